package booking

import (
	"context"
	"strings"
	"testing"

	"heydoctor"
)

// TestConsoleReads checks that the console's reads show the staff member's own
// institution and nothing of another's.
func TestConsoleReads(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		for _, st := range []*heydoctor.Staff{f.admin, f.reception} {
			in, err := f.svc.StaffInstitution(ctx, st)
			if err != nil || in.ID != f.instID {
				t.Errorf("%s: institution = %+v, %v", st.Role, in, err)
			}
			d, err := f.svc.Doctor(ctx, st, f.doctorID)
			if err != nil || d.ID != f.doctorID {
				t.Errorf("%s: doctor = %+v, %v", st.Role, d, err)
			}
			list, err := f.svc.Doctors(ctx, st)
			if err != nil || len(list) != 1 || list[0].ID != f.doctorID {
				t.Errorf("%s: doctors = %v, %v", st.Role, list, err)
			}
			sc, err := f.svc.Schedule(ctx, st, f.doctorID)
			if err != nil || len(sc.Blocks) != 10 {
				t.Errorf("%s: schedule = %+v, %v", st.Role, sc, err)
			}
		}
		if err := f.svc.SetException(ctx, f.admin, &heydoctor.ScheduleException{DoctorID: f.doctorID, Date: "2026-12-07", Closed: true, Note: "학회"}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetClosure(ctx, f.admin, heydoctor.Closure{Date: "2026-12-08", Note: "내부 공사"}); err != nil {
			t.Fatal(err)
		}
		exc, err := f.svc.Exceptions(ctx, f.reception, f.doctorID, "2026-12-01", "2026-12-31")
		if err != nil || len(exc) != 1 || exc[0].Note != "학회" {
			t.Errorf("exceptions = %+v, %v", exc, err)
		}
		cl, err := f.svc.Closures(ctx, f.reception, "2026-12-01")
		if err != nil || len(cl) != 1 || cl[0].Note != "내부 공사" {
			t.Errorf("closures = %+v, %v", cl, err)
		}
		audit, err := f.svc.Audit(ctx, f.admin, 200)
		if err != nil || len(audit) == 0 || audit[0].InstitutionID != f.instID {
			t.Errorf("audit = %+v, %v", audit, err)
		}

		// Another institution's admin finds none of it.
		_, err = f.svc.Doctor(ctx, f.other, f.doctorID)
		wantKind(t, "other doctor", err, heydoctor.NotFound, "doctor_id")
		_, err = f.svc.Schedule(ctx, f.other, f.doctorID)
		wantKind(t, "other schedule", err, heydoctor.NotFound, "doctor_id")
		_, err = f.svc.Exceptions(ctx, f.other, f.doctorID, "2026-12-01", "2026-12-31")
		wantKind(t, "other exceptions", err, heydoctor.NotFound, "doctor_id")
		if cl, err := f.svc.Closures(ctx, f.other, "2026-12-01"); err != nil || len(cl) != 0 {
			t.Errorf("other closures = %+v, %v", cl, err)
		}
		if list, err := f.svc.Doctors(ctx, f.other); err != nil || len(list) != 1 || list[0].ID != f.otherDoctorID {
			t.Errorf("other doctors = %v, %v", list, err)
		}
		for _, e := range audit {
			if e.InstitutionID != f.instID {
				t.Errorf("audit shows another institution's entry: %+v", e)
			}
		}
		// A disabled or missing account reads nothing.
		_, err = f.svc.Doctors(ctx, &heydoctor.Staff{ID: f.admin.ID, InstitutionID: f.instID, Role: heydoctor.RoleAdmin, Disabled: true})
		wantKind(t, "disabled account", err, heydoctor.Unauthorized, "")
		_, err = f.svc.StaffInstitution(ctx, nil)
		wantKind(t, "no account", err, heydoctor.Unauthorized, "")
	})
}

func TestCreateWebhook(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		for _, bad := range []struct{ url, secret, field string }{
			{"http://hospital.example/hook", "", "url"},
			{"https://127.0.0.1/x", "", "url"},
			{"https://10.1.2.3/x", "", "url"},
			{"https://emr.hospital.example/hook", "too-short", "secret"},
			{"https://emr.hospital.example/hook", strings.Repeat("가", 129), "secret"},
		} {
			_, err := f.svc.CreateWebhook(ctx, f.admin, bad.url, bad.secret)
			wantKind(t, "webhook "+bad.url+" "+bad.secret, err, heydoctor.Invalid, bad.field)
		}
		if list, err := f.svc.Webhooks(ctx, f.admin); err != nil || len(list) != 0 {
			t.Fatalf("refused webhooks were stored: %+v, %v", list, err)
		}

		wh, err := f.svc.CreateWebhook(ctx, f.admin, "https://emr.hospital.example/hook", "")
		if err != nil || wh.ID == 0 || len(wh.Secret) != 64 || !wh.Active || wh.InstitutionID != f.instID {
			t.Fatalf("webhook = %+v, %v", wh, err)
		}
		own, err := f.svc.CreateWebhook(ctx, f.admin, "https://emr.hospital.example/other", strings.Repeat("s", 16))
		if err != nil || own.Secret != strings.Repeat("s", 16) {
			t.Fatalf("webhook with its own secret = %+v, %v", own, err)
		}
		audit, err := f.svc.Audit(ctx, f.admin, 200)
		if err != nil {
			t.Fatal(err)
		}
		var created []string
		for _, e := range audit {
			if e.Action == "webhook.create" {
				created = append(created, e.After)
				if e.StaffID != f.admin.ID || e.Entity != "webhook" || strings.Contains(e.After, wh.Secret) {
					t.Errorf("audit entry = %+v", e)
				}
			}
		}
		if len(created) != 2 || !strings.Contains(strings.Join(created, " "), "https://emr.hospital.example/hook") {
			t.Errorf("webhook.create audit entries = %q", created)
		}

		// A booking queues a delivery to each endpoint.
		f.book(t, at(t, "2026-11-30 09:00"), "김하나", "01012345678", "")
		list, err := f.svc.Webhooks(ctx, f.admin)
		if err != nil || len(list) != 2 || list[0].Webhook.ID != wh.ID || len(list[0].Deliveries) != 1 {
			t.Fatalf("webhooks = %+v, %v", list, err)
		}
		if other, err := f.svc.Webhooks(ctx, f.other); err != nil || len(other) != 0 {
			t.Errorf("another institution sees webhooks: %+v, %v", other, err)
		}
		_, err = f.svc.CreateWebhook(ctx, f.reception, "https://emr.hospital.example/hook", "")
		wantKind(t, "reception creates a webhook", err, heydoctor.Forbidden, "")
	})
}

// TestPublicReads: an institution's pages show its active doctors and rooms, and none of
// an institution that does not take online bookings.
func TestPublicReads(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		in, err := f.svc.Institution(ctx, f.instID)
		if err != nil || in.ID != f.instID || !in.Onboarded {
			t.Fatalf("institution = %+v, %v", in, err)
		}
		_, err = f.svc.Institution(ctx, 999999)
		wantKind(t, "unknown institution", err, heydoctor.NotFound, "")
		closed := &heydoctor.Doctor{Name: "휴진 진료실", Department: "내과", IsRoom: true, Active: false}
		if err := f.svc.SaveDoctor(ctx, f.admin, closed); err != nil {
			t.Fatal(err)
		}
		list, err := f.svc.PublicDoctors(ctx, in)
		if err != nil || len(list) != 1 || list[0].ID != f.doctorID {
			t.Errorf("public doctors = %v, %v; want only the active room", list, err)
		}
		in.Onboarded = false
		if list, err := f.svc.PublicDoctors(ctx, in); err != nil || len(list) != 0 {
			t.Errorf("public doctors of an institution without online booking = %v, %v", list, err)
		}
	})
}
