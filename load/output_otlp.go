package load

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/gatecheck/gatecheck/craftgate"
)

// OTLPOutput streams the run's metrics as OpenTelemetry metrics over
// OTLP/HTTP through the official Go SDK, exported every second: to an
// OpenTelemetry Collector, Grafana Alloy, or any backend Grafana reads
// that takes OTLP (Mimir, Prometheus with its OTLP receiver, Grafana
// Cloud). Every metric is named gatecheck_<k6 name>; counters are
// counters, trends histograms (unit ms), gauges gauges, and a rate is two
// counters, <name>.occurred and <name>.total, as k6's OpenTelemetry output
// exports them. Tags become attributes.
type OTLPOutput struct {
	mp       *sdkmetric.MeterProvider
	counters [numMetrics]metric.Float64Counter
	hists    [numMetrics]metric.Float64Histogram
	gauges   [numMetrics]metric.Float64Gauge
	occurred [numMetrics]metric.Int64Counter
	total    [numMetrics]metric.Int64Counter
	ctx      context.Context
}

// NewOTLPOutput exports to endpoint, an http:// or https:// URL of an
// OTLP/HTTP receiver ("http://127.0.0.1:4318"; the path defaults to
// /v1/metrics).
func NewOTLPOutput(ctx context.Context, endpoint string) (*OTLPOutput, error) {
	return newOTLPOutput(ctx, endpoint, time.Second)
}

func newOTLPOutput(ctx context.Context, endpoint string, every time.Duration) (*OTLPOutput, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("otlp endpoint %q: want http://HOST:PORT or https://HOST:PORT", endpoint)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/v1/metrics"
	}
	exp, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpointURL(u.String()))
	if err != nil {
		return nil, fmt.Errorf("otlp exporter: %w", err)
	}
	res := resource.NewSchemaless(attribute.String("service.name", "gatecheck"))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp, sdkmetric.WithInterval(every))))
	m := mp.Meter("github.com/gatecheck/gatecheck/load")
	o := &OTLPOutput{mp: mp, ctx: context.WithoutCancel(ctx)}
	for i, d := range metricDefs {
		name := "gatecheck_" + d.Name
		unit := map[string]string{"time": "ms", "data": "By"}[d.Contains]
		var err error
		switch d.Type {
		case Counter:
			o.counters[i], err = m.Float64Counter(name, metric.WithDescription(d.Desc), metric.WithUnit(unit))
		case Trend:
			o.hists[i], err = m.Float64Histogram(name, metric.WithDescription(d.Desc), metric.WithUnit(unit))
		case Gauge:
			o.gauges[i], err = m.Float64Gauge(name, metric.WithDescription(d.Desc))
		case Rate:
			o.occurred[i], err = m.Int64Counter(name+".occurred", metric.WithDescription(d.Desc+": non-zero samples"))
			if err == nil {
				o.total[i], err = m.Int64Counter(name+".total", metric.WithDescription(d.Desc+": all samples"))
			}
		}
		if err != nil {
			return nil, fmt.Errorf("otlp instrument %s: %w", name, err)
		}
	}
	return o, nil
}

// AddSamples records the samples into the SDK's instruments; the reader
// exports them every second.
func (o *OTLPOutput) AddSamples(ss []Sample) {
	for i := range ss {
		s := &ss[i]
		var kv []attribute.KeyValue
		for _, k := range tagNames {
			if v := *s.Tags.field(k); v != "" {
				kv = append(kv, attribute.String(k, craftgate.MaskPANs(v)))
			}
		}
		opt := metric.WithAttributes(kv...)
		switch metricDefs[s.Metric].Type {
		case Counter:
			o.counters[s.Metric].Add(o.ctx, s.Value, opt)
		case Trend:
			o.hists[s.Metric].Record(o.ctx, s.Value, opt)
		case Gauge:
			o.gauges[s.Metric].Record(o.ctx, s.Value, opt)
		case Rate:
			if s.Value != 0 {
				o.occurred[s.Metric].Add(o.ctx, 1, opt)
			}
			o.total[s.Metric].Add(o.ctx, 1, opt)
		}
	}
}

// Stop exports what is left and shuts the SDK down (bounded: 10 s).
func (o *OTLPOutput) Stop() error {
	ctx, cancel := context.WithTimeout(o.ctx, 10*time.Second)
	defer cancel()
	if err := o.mp.Shutdown(ctx); err != nil {
		return fmt.Errorf("otlp output: %w", err)
	}
	return nil
}
