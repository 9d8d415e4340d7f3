package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The report reads two artefacts of earlier steps: the anonymize report
// (schema veil.anonymize/v1) and the synth model (veil.synth-model/v1). It
// reads them leniently, by the keys their issues promise, so that a field
// added later does not break an older report: what it cannot find it does
// not show.

// anonReport is what the report takes from an anonymize report.
type anonReport struct {
	Columns    []anonColumn
	K          *float64
	Suppressed *float64
	Classes    *float64
	Levels     map[string]int
	InfoLoss   map[string]any
	Risk       map[string]any
	Epsilon    *float64
	Delta      *float64
	Split      []BudgetPart
	Raw        map[string]any
}

type anonColumn struct {
	Name      string
	Role      string
	Action    string
	Technique string
	Params    string
	KeyID     string
	Reason    string
}

// readJSONFile reads a JSON object and its SHA-256.
func readJSONFile(path string) (map[string]any, *FileInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, nil, fmt.Errorf("%s: not a JSON object: %w", path, err)
	}
	sum := sha256.Sum256(data)
	return m, &FileInfo{Path: path, SHA256: hex.EncodeToString(sum[:])}, nil
}

func getMap(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		if v, ok := m[k].(map[string]any); ok {
			return v
		}
	}
	return nil
}

func getNum(m map[string]any, keys ...string) *float64 {
	for _, k := range keys {
		switch v := m[k].(type) {
		case float64:
			return &v
		case json.Number:
			if f, err := v.Float64(); err == nil {
				return &f
			}
		}
	}
	return nil
}

func getStr(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if v, ok := m[k].(string); ok {
			return v
		}
	}
	return ""
}

// parseAnonReport extracts what the report uses from an anonymize report.
func parseAnonReport(m map[string]any) *anonReport {
	a := &anonReport{Raw: m, Levels: map[string]int{}}
	// Columns: a list of objects with a name, or an object keyed by name.
	addCol := func(name string, c map[string]any) {
		ac := anonColumn{Name: name, Role: getStr(c, "role"), Action: getStr(c, "action"),
			Technique: getStr(c, "technique", "wp29_technique", "wp29", "technique_class"),
			KeyID:     getStr(c, "key_id"), Reason: getStr(c, "reason")}
		if p := getMap(c, "params", "parameters"); p != nil {
			ac.Params = formatParams(p)
		}
		a.Columns = append(a.Columns, ac)
	}
	switch cols := m["columns"].(type) {
	case []any:
		for _, v := range cols {
			if c, ok := v.(map[string]any); ok {
				addCol(getStr(c, "name", "column"), c)
			}
		}
	case map[string]any:
		names := make([]string, 0, len(cols))
		for k := range cols {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if c, ok := cols[k].(map[string]any); ok {
				addCol(k, c)
			}
		}
	}
	a.Suppressed = getNum(m, "rows_suppressed", "suppressed_rows")
	if p := getMap(m, "privacy"); p != nil {
		a.K = getNum(p, "min_class_size", "k")
		if s := getNum(p, "suppressed_rows"); s != nil {
			a.Suppressed = s
		}
		a.Classes = getNum(p, "classes")
		if lv := getMap(p, "levels"); lv != nil {
			for k, v := range lv {
				if f, ok := v.(float64); ok {
					a.Levels[k] = int(f)
				}
			}
		}
		a.InfoLoss = getMap(p, "information_loss")
		a.Risk = getMap(p, "risk")
	}
	dp := getMap(m, "epsilon_accounting", "differential_privacy", "dp", "epsilon")
	if dp != nil {
		a.Epsilon = getNum(dp, "total_epsilon", "epsilon", "total")
		a.Delta = getNum(dp, "total_delta", "delta")
		a.Split = budgetSplit(dp)
	} else {
		a.Epsilon = getNum(m, "total_epsilon", "epsilon")
		a.Delta = getNum(m, "total_delta", "delta")
	}
	return a
}

// budgetSplit reads a list of budget uses from a DP accounting object:
// "split", "columns" or "parts", each with a name and epsilon/delta/rho.
func budgetSplit(dp map[string]any) []BudgetPart {
	var out []BudgetPart
	for _, key := range []string{"split", "budget_split", "budget", "columns", "parts", "steps"} {
		switch v := dp[key].(type) {
		case []any:
			for _, x := range v {
				if o, ok := x.(map[string]any); ok {
					bp := BudgetPart{What: getStr(o, "what", "step", "name", "column", "use")}
					if e := getNum(o, "epsilon"); e != nil {
						bp.Epsilon = *e
					}
					if d := getNum(o, "delta"); d != nil {
						bp.Delta = *d
					}
					if r := getNum(o, "rho"); r != nil {
						bp.Rho = *r
					}
					out = append(out, bp)
				}
			}
		case map[string]any:
			names := make([]string, 0, len(v))
			for k := range v {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				bp := BudgetPart{What: k}
				switch x := v[k].(type) {
				case float64:
					bp.Epsilon = x
				case map[string]any:
					if e := getNum(x, "epsilon"); e != nil {
						bp.Epsilon = *e
					}
					if d := getNum(x, "delta"); d != nil {
						bp.Delta = *d
					}
					if r := getNum(x, "rho"); r != nil {
						bp.Rho = *r
					}
				}
				out = append(out, bp)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return out
}

// formatParams writes parameters as sorted key=value pairs, never a key
// (secret) value: only names of environment variables and key IDs appear in
// an anonymize report, and anything named like a secret is dropped.
func formatParams(p map[string]any) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		lk := strings.ToLower(k)
		if lk == "key" || lk == "secret" || lk == "password" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		var s string
		switch v := p[k].(type) {
		case string:
			s = v
			if strings.HasSuffix(strings.ToLower(k), "hierarchy") || strings.HasSuffix(strings.ToLower(k), "key_file") {
				s = filepath.Base(v)
			}
		case float64:
			s = trimFloat(v)
		case bool:
			s = fmt.Sprint(v)
		case nil:
			continue
		default:
			b, _ := json.Marshal(v)
			s = string(b)
		}
		parts = append(parts, k+"="+s)
	}
	return strings.Join(parts, ", ")
}

// synthModel is what the report takes from a synth model file.
type synthModel struct {
	Method  string
	Epsilon *float64
	Delta   *float64
	Split   []BudgetPart
	Columns map[string]string // column -> how it was modelled (e.g. dropped, regenerated)
	Roles   map[string]string // column -> role the model gave it
	Raw     map[string]any    // the file as read: noise and coarsening (dpnoise.go, coarsen.go)
}

func parseSynthModel(m map[string]any) *synthModel {
	s := &synthModel{Method: getStr(m, "method"), Columns: map[string]string{}, Roles: map[string]string{}, Raw: m}
	dp := getMap(m, "dp", "differential_privacy", "privacy", "budget")
	if dp != nil {
		s.Epsilon = getNum(dp, "epsilon", "total_epsilon")
		s.Delta = getNum(dp, "delta", "total_delta")
		s.Split = budgetSplit(dp)
	}
	if s.Epsilon == nil {
		s.Epsilon = getNum(m, "epsilon")
		s.Delta = getNum(m, "delta")
	}
	if s.Epsilon != nil && (*s.Epsilon <= 0 || math.IsInf(*s.Epsilon, 0)) {
		s.Epsilon = nil
	}
	if cols, ok := m["columns"].([]any); ok {
		for _, v := range cols {
			if c, ok := v.(map[string]any); ok {
				name := getStr(c, "name")
				how := getStr(c, "treatment", "handling", "role_action", "generate")
				if how == "" {
					how = getStr(c, "kind", "type", "model")
				}
				if name != "" {
					s.Columns[name] = how
					if r := getStr(c, "role"); r != "" {
						s.Roles[name] = r
					}
				}
			}
		}
	}
	return s
}
