package app

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"heydoctor"
)

// metrics are the engines' own series; the HTTP server registers its own.
type metrics struct {
	transitions *prometheus.CounterVec
	deliveries  *prometheus.CounterVec
	skill       prometheus.Histogram
}

func newMetrics(reg *prometheus.Registry, store Store, a *App) (*metrics, error) {
	m := &metrics{
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heydoctor_reservation_transitions_total", Help: "Reservation state changes by new status.",
		}, []string{"status"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heydoctor_webhook_deliveries_total", Help: "Webhook delivery attempts by result.",
		}, []string{"result"}),
		skill: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "heydoctor_kakao_skill_duration_seconds", Help: "Time to answer a Kakao skill request (Kakao gives up at 5 s).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 4, 5},
		}),
	}
	institutions := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "heydoctor_directory_institutions_loaded", Help: "Institutions in the in-memory nearby index.",
	}, func() float64 { return float64(a.Directory.Len()) })
	for _, c := range []prometheus.Collector{m.transitions, m.deliveries, m.skill, institutions, newDirectoryCollector(store)} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	for _, st := range heydoctor.ReservationStatuses() {
		m.transitions.WithLabelValues(string(st))
	}
	for _, r := range []string{"delivered", "retry", "failed"} {
		m.deliveries.WithLabelValues(r)
	}
	return m, nil
}

// directoryCollector exports directory counts and import freshness from the database at
// scrape time, so every replica reports the shared truth.
type directoryCollector struct {
	store     Store
	countDesc *prometheus.Desc
	lastDesc  *prometheus.Desc
}

func newDirectoryCollector(store Store) *directoryCollector {
	return &directoryCollector{
		store:     store,
		countDesc: prometheus.NewDesc("heydoctor_directory_institutions", "Operating institutions in the directory by kind.", []string{"kind"}, nil),
		lastDesc:  prometheus.NewDesc("heydoctor_directory_last_import_timestamp_seconds", "When public data was last imported (Unix time; 0 if never).", nil, nil),
	}
}

func (c *directoryCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.countDesc
	ch <- c.lastDesc
}

func (c *directoryCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if counts, err := c.store.CountInstitutions(ctx); err == nil {
		for _, k := range []heydoctor.InstitutionKind{heydoctor.KindHospital, heydoctor.KindClinic, heydoctor.KindPharmacy} {
			ch <- prometheus.MustNewConstMetric(c.countDesc, prometheus.GaugeValue, float64(counts[k]), string(k))
		}
	}
	if t, err := c.store.LastImport(ctx); err == nil {
		v := 0.0
		if !t.IsZero() {
			v = float64(t.Unix())
		}
		ch <- prometheus.MustNewConstMetric(c.lastDesc, prometheus.GaugeValue, v)
	}
}
