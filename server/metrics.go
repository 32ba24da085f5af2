package server

import (
	"github.com/prometheus/client_golang/prometheus"

	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
	"github.com/medarc-ai/medmarks-t/rewards"
)

// metrics are the server's own, beside the RPC metrics of the middleware.
// Labels come from bounded sets: env names and reward statuses.
type metrics struct {
	rewards *prometheus.CounterVec
}

func newMetrics() *metrics {
	return &metrics{
		rewards: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "medmarks_rewards_total",
			Help: "Rewards returned by Score, ScoreBatch and Step, by env version and status.",
		}, []string{"env", "status"}),
	}
}

func (m *metrics) collectors() []prometheus.Collector { return []prometheus.Collector{m.rewards} }

func (m *metrics) reward(r *pb.Reward) {
	m.rewards.WithLabelValues(r.GetEnvVersion(), r.GetStatus().String()).Inc()
}

// rewardOut converts a reward for the wire and counts it.
func (s *Server) rewardOut(r rewards.Reward) *pb.Reward {
	out := rewardToPB(r)
	s.metrics.reward(out)
	return out
}
