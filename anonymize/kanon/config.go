package kanon

import (
	"fmt"
	"math"
)

// Metric is the information loss the optimal search minimises. The
// formulas are ARX's (see the package documentation and docs/kanon.md).
type Metric string

// The metrics the optimal search can minimise.
const (
	// Entropy is the monotonic non-uniform entropy, ARX's default. It
	// ignores suppression: suppressed rows count as generalized.
	Entropy Metric = "entropy"
	// Loss is Iyengar's loss, aggregated over columns by the geometric
	// mean; a suppressed cell loses 1.
	Loss Metric = "loss"
	// Discernibility charges each row the size of its class, and each
	// suppressed row the size of the table.
	Discernibility Metric = "discernibility"
	// Precision is Sweeney's precision: the share of a hierarchy's height
	// used, suppressed cells counting 1.
	Precision Metric = "precision"
	// AECS is the average equivalence class size, the suppressed rows
	// forming one class.
	AECS Metric = "aecs"
)

// Metrics lists the metrics in documentation order.
var Metrics = []Metric{Entropy, Loss, Discernibility, Precision, AECS}

// The l-diversity variants.
const (
	DistinctL  = "distinct"
	EntropyL   = "entropy"
	RecursiveL = "recursive"
)

// The ground distances of t-closeness.
const (
	EqualDistance        = "equal"
	OrderedDistance      = "ordered"
	HierarchicalDistance = "hierarchical"
)

// Config is the privacy target and the settings of a search.
type Config struct {
	// K is the smallest equivalence class allowed (k-anonymity); 1 asks
	// for l-diversity or t-closeness alone.
	K int
	// SuppressionLimit is the largest share of rows (0..1) that may be
	// suppressed (removed from the output). As in ARX, at most
	// floor(SuppressionLimit * rows) rows are suppressed, whole classes at
	// a time.
	SuppressionLimit float64
	// Metric is what the optimal search minimises; empty means Entropy.
	Metric Metric
	// LDiversity and TCloseness, when set, protect the table's sensitive
	// column: every class that is not suppressed must meet them.
	LDiversity *LDiversity
	TCloseness *TCloseness
	// RiskThreshold is the re-identification probability above which a
	// record counts as at risk (records_at_risk); 0 means 0.2.
	RiskThreshold float64
	// MaxTransformations caps the size of the optimal search's lattice; 0
	// means 1<<24.
	MaxTransformations int
	// Workers is the number of goroutines evaluating transformations; 0
	// means runtime.GOMAXPROCS(0). The result does not depend on it.
	Workers int
	// LocalRecoding re-generalizes, after the optimal search, the classes
	// it suppressed (see LocalRecode).
	LocalRecoding bool

	// medianOnly makes Mondrian cut only after the median value, as the
	// reference implementations do (tests compare with them).
	medianOnly bool
	// noEarlyStop makes the optimal search group every checked node
	// completely (tests compare the results with and without).
	noEarlyStop bool
	// cacheSmall, when set, replaces cacheSmall (tests make early stops
	// happen on small tables).
	cacheSmall int
}

// LDiversity asks that every class hold L well-represented values of the
// sensitive column.
//
//	distinct:  at least L distinct values
//	entropy:   -sum_s p(s) log2 p(s) >= log2 L
//	recursive: r_1 < C * (r_L + r_{L+1} + ... + r_m), r_i the i-th largest count
type LDiversity struct {
	// Column is the sensitive column; empty means the table's only one.
	Column  string
	Variant string  // distinct, entropy or recursive
	L       float64 // an integer for distinct and recursive
	C       float64 // recursive (c,l)-diversity's c
}

// TCloseness asks that the distribution of the sensitive column in every
// class be within T of its distribution in the whole table, measured by
// the Earth Mover's Distance with the chosen ground distance.
type TCloseness struct {
	// Column is the sensitive column; empty means the table's only one.
	Column   string
	Distance string  // equal, ordered or hierarchical
	T        float64 // 0..1
}

const (
	defaultRiskThreshold      = 0.2
	defaultMaxTransformations = 1 << 24
)

func (c *Config) metric() Metric {
	if c.Metric == "" {
		return Entropy
	}
	return c.Metric
}

func (c *Config) riskThreshold() float64 {
	if c.RiskThreshold <= 0 {
		return defaultRiskThreshold
	}
	return c.RiskThreshold
}

// validate checks the configuration against the table.
func (c *Config) validate(t *Table) error {
	if c.K < 1 {
		return configErrorf("k must be at least 1, not %d", c.K)
	}
	if !(c.SuppressionLimit >= 0 && c.SuppressionLimit <= 1) {
		return configErrorf("suppression_limit must be between 0 and 1, not %v", c.SuppressionLimit)
	}
	known := false
	for _, m := range Metrics {
		known = known || m == c.metric()
	}
	if !known {
		return configErrorf("unknown metric %q (want entropy, loss, discernibility, precision or aecs)", c.Metric)
	}
	if !(c.RiskThreshold >= 0 && c.RiskThreshold <= 1) {
		return configErrorf("risk threshold must be between 0 and 1, not %v", c.RiskThreshold)
	}
	if l := c.LDiversity; l != nil && t.sensIndex(l.Column) < 0 {
		return configErrorf("l_diversity: no sensitive column %q was encoded", l.Column)
	}
	if tc := c.TCloseness; tc != nil && t.sensIndex(tc.Column) < 0 {
		return configErrorf("t_closeness: no sensitive column %q was encoded", tc.Column)
	}
	if l := c.LDiversity; l != nil {
		switch l.Variant {
		case DistinctL, RecursiveL:
			if l.L < 1 || l.L != math.Trunc(l.L) {
				return configErrorf("l_diversity: l must be a whole number of at least 1 for the %s variant, not %v", l.Variant, l.L)
			}
			if l.Variant == RecursiveL && !(l.C > 0) {
				return configErrorf("l_diversity: recursive (c,l)-diversity needs c > 0, not %v", l.C)
			}
		case EntropyL:
			if !(l.L >= 1) {
				return configErrorf("l_diversity: l must be at least 1, not %v", l.L)
			}
		default:
			return configErrorf("l_diversity: unknown variant %q (want distinct, entropy or recursive)", l.Variant)
		}
	}
	if tc := c.TCloseness; tc != nil {
		if !(tc.T >= 0 && tc.T <= 1) {
			return configErrorf("t_closeness: t must be between 0 and 1, not %v", tc.T)
		}
		switch tc.Distance {
		case EqualDistance, OrderedDistance:
		case HierarchicalDistance:
			if sc := t.sens[t.sensIndex(tc.Column)]; sc.h == nil {
				return configErrorf("t_closeness: the hierarchical distance needs a hierarchy for column %q", sc.name)
			}
		default:
			return configErrorf("t_closeness: unknown distance %q (want equal, ordered or hierarchical)", tc.Distance)
		}
	}
	return nil
}

// target describes the privacy target in words, for errors.
func (c *Config) target(n int64) string {
	s := fmt.Sprintf("k=%d", c.K)
	if l := c.LDiversity; l != nil {
		if l.Variant == RecursiveL {
			s += fmt.Sprintf(", recursive (%g,%g)-diversity", l.C, l.L)
		} else {
			s += fmt.Sprintf(", %s l-diversity with l=%g", l.Variant, l.L)
		}
	}
	if tc := c.TCloseness; tc != nil {
		s += fmt.Sprintf(", t-closeness with t=%g (%s distance)", tc.T, tc.Distance)
	}
	return s + fmt.Sprintf(" with at most %s of %d rows suppressed", pct(c.SuppressionLimit), n)
}

func pct(f float64) string { return fmt.Sprintf("%.4g%%", 100*f) }
