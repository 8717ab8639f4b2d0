package booking

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"heydoctor"
)

// TestRoles runs every staff operation of the service as each role and records which
// ones the role is refused: reception runs reservations and reads the console, only
// admins change what patients can book (doctors, plans, exceptions, closures, hours)
// and see webhooks and the audit log.
func TestRoles(t *testing.T) {
	withFixture(t, policyConfirm(), func(t *testing.T, f *fixture) {
		ctx := context.Background()
		// Each role books on its own day, so the two runs never clash.
		day := func(st *heydoctor.Staff) string {
			if st.Role == heydoctor.RoleAdmin {
				return "2026-11-30"
			}
			return "2026-12-01"
		}
		ops := []struct {
			name string
			run  func(st *heydoctor.Staff) error
		}{
			{"day list", func(st *heydoctor.Staff) error { _, err := f.svc.DayList(ctx, st, "2026-11-30", nil); return err }},
			{"confirm", func(st *heydoctor.Staff) error {
				r := f.book(t, at(t, day(st)+" 09:00"), "김하나", "0101111"+day(st)[8:]+"01", "")
				_, err := f.svc.Transition(ctx, st, r.ID, ActionConfirm, "")
				return err
			}},
			{"reschedule", func(st *heydoctor.Staff) error {
				r := f.book(t, at(t, day(st)+" 10:00"), "김하나", "0101111"+day(st)[8:]+"02", "")
				_, err := f.svc.RescheduleByStaff(ctx, st, r.ID, at(t, day(st)+" 11:00"))
				return err
			}},
			{"save doctor", func(st *heydoctor.Staff) error {
				return f.svc.SaveDoctor(ctx, st, &heydoctor.Doctor{Name: "내과 2진료실", Department: "내과", IsRoom: true, Active: true})
			}},
			{"save schedule", func(st *heydoctor.Staff) error {
				return f.svc.SaveSchedule(ctx, st, &heydoctor.Schedule{DoctorID: f.doctorID, Blocks: weekdays("0900-1200", "1300-1800")})
			}},
			{"set exception", func(st *heydoctor.Staff) error {
				return f.svc.SetException(ctx, st, &heydoctor.ScheduleException{DoctorID: f.doctorID, Date: "2026-12-07", Closed: true})
			}},
			{"delete exception", func(st *heydoctor.Staff) error { return f.svc.DeleteException(ctx, st, f.doctorID, "2026-12-07") }},
			{"set closure", func(st *heydoctor.Staff) error {
				return f.svc.SetClosure(ctx, st, heydoctor.Closure{Date: "2026-12-08", Note: "내부 공사"})
			}},
			{"delete closure", func(st *heydoctor.Staff) error { return f.svc.DeleteClosure(ctx, st, "2026-12-08") }},
			{"update hours", func(st *heydoctor.Staff) error {
				var h heydoctor.OpeningHours
				h.Day[0] = heydoctor.Span{Open: "0900", Close: "1800"}
				return f.svc.UpdateHours(ctx, st, h)
			}},
			{"read rooms", func(st *heydoctor.Staff) error {
				if _, err := f.svc.Doctors(ctx, st); err != nil {
					return err
				}
				_, err := f.svc.Schedule(ctx, st, f.doctorID)
				return err
			}},
			{"webhooks", func(st *heydoctor.Staff) error { _, err := f.svc.Webhooks(ctx, st); return err }},
			{"create webhook", func(st *heydoctor.Staff) error {
				_, err := f.svc.CreateWebhook(ctx, st, "https://emr.hospital.example/hook", "")
				return err
			}},
			{"audit", func(st *heydoctor.Staff) error { _, err := f.svc.Audit(ctx, st, 10); return err }},
		}
		want := map[heydoctor.Role][]string{
			heydoctor.RoleAdmin: nil,
			heydoctor.RoleReception: {"save doctor", "save schedule", "set exception", "delete exception", "set closure", "delete closure", "update hours",
				"webhooks", "create webhook", "audit"},
		}
		for _, st := range []*heydoctor.Staff{f.admin, f.reception} {
			t.Run(string(st.Role), func(t *testing.T) {
				var refused []string
				for _, op := range ops {
					err := op.run(st)
					switch heydoctor.KindOf(err) {
					case heydoctor.Forbidden:
						refused = append(refused, op.name)
					default:
						if err != nil {
							t.Errorf("%s: %v", op.name, err)
						}
					}
				}
				if d := cmp.Diff(want[st.Role], refused); d != "" {
					t.Errorf("refused operations mismatch (-want +got):\n%s", d)
				}
			})
		}
	})
}
