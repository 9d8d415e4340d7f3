package anonymize

import (
	"fmt"
	"strings"

	"github.com/veil-data/veil/policies"
)

// ReportSchema names the report format.
const ReportSchema = "veil.anonymize/v1"

// Report says what Apply did: per column the action, its parameters, the
// technique class of the Article 29 Working Party's Opinion 05/2014 and
// counts; the differential-privacy budget spent; the privacy engine's
// result. It never holds a data value or a key (only the key's ID).
type Report struct {
	Schema      string     `json:"schema"`
	VeilVersion string     `json:"veil_version,omitempty"`
	Input       FileInfo   `json:"input"`
	Output      FileInfo   `json:"output"`
	Policy      PolicyInfo `json:"policy"`
	Seed        *uint64    `json:"seed,omitempty"`
	// RowsIn rows were read, RowsOut written; RowsSuppressed were left out
	// by the privacy engine.
	RowsIn         int64          `json:"rows_in"`
	RowsOut        int64          `json:"rows_out"`
	RowsSuppressed int64          `json:"rows_suppressed"`
	Columns        []ColumnReport `json:"columns"`
	// DifferentialPrivacy is set when a column is noised.
	DifferentialPrivacy *DPReport `json:"differential_privacy,omitempty"`
	// Privacy is the privacy engine's report (k-anonymity and the like).
	Privacy any `json:"privacy,omitempty"`
	// Notes are plain-language caveats (pseudonymisation is not
	// anonymisation, DP noise is not reproducible).
	Notes []string `json:"notes,omitempty"`
}

// FileInfo identifies a table.
type FileInfo struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256,omitempty"`
	Rows   int64  `json:"rows"`
}

// PolicyInfo identifies the policy. Its free text (description, reasons)
// is not copied: people write what they like there, a value of an
// identifying column included, and only veil report, which reads the
// original, can look for one; it takes them from the policy.
type PolicyInfo struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// ColumnReport is what happened to one input column.
type ColumnReport struct {
	Name   string `json:"name"`
	Role   string `json:"role"`
	Action string `json:"action"`
	// Default is set when the column took the policy's default_action.
	Default bool `json:"default_action,omitempty"`
	// Technique is the WP29 technique class, e.g. "pseudonymisation".
	Technique string `json:"technique"`
	// Parameters are the action's parameters in force (defaults filled
	// in), never a key.
	Parameters map[string]any `json:"parameters,omitempty"`
	// KeyID is the public fingerprint of the column's key (first 8 hex of
	// its SHA-256).
	KeyID string `json:"key_id,omitempty"`
	// OutputKind is the column's kind in the output; empty when dropped.
	OutputKind string `json:"output_kind,omitempty"`
	// Counts over the rows written: non-null values read, values the
	// action changed (nulls written included), nulls read and written.
	ValuesIn      int64 `json:"values_in"`
	ValuesChanged int64 `json:"values_changed"`
	NullsIn       int64 `json:"nulls_in"`
	NullsWritten  int64 `json:"nulls_written"`
}

// DPReport accounts for the differential-privacy budget.
type DPReport struct {
	// Epsilon and Delta are the totals per row, by sequential composition
	// over the noised columns.
	Epsilon     float64    `json:"epsilon"`
	Delta       float64    `json:"delta"`
	MaxEpsilon  float64    `json:"max_epsilon,omitempty"`
	Composition string     `json:"composition"`
	Unit        string     `json:"privacy_unit"`
	Model       string     `json:"model"`
	Noise       string     `json:"noise"`
	Columns     []DPColumn `json:"columns"`
}

// DPColumn is one noised column.
type DPColumn struct {
	Name      string  `json:"name"`
	Mechanism string  `json:"mechanism"`
	Epsilon   float64 `json:"epsilon"`
	Delta     float64 `json:"delta,omitempty"`
	Lower     float64 `json:"lower"`
	Upper     float64 `json:"upper"`
	// Sensitivity is upper - lower: one clamped value per row.
	Sensitivity float64 `json:"sensitivity"`
	// Scale is the Laplace scale b = sensitivity/ε, or the Gaussian σ.
	Scale float64 `json:"scale"`
	// Rounded is set for integer columns, rounded after the noise.
	Rounded bool `json:"rounded_to_integer,omitempty"`
}

func newReport(p *policies.Policy) *Report {
	return &Report{Schema: ReportSchema, Policy: PolicyInfo{Path: p.Path, SHA256: p.SHA256}}
}

// Technique returns the WP29 Opinion 05/2014 technique class of a column's
// treatment.
func Technique(c *policies.Column) string {
	switch c.Action {
	case policies.ActionKeep:
		return "none (kept)"
	case policies.ActionDrop:
		return "removal of the attribute"
	case policies.ActionSuppress:
		return "suppression"
	case policies.ActionHash:
		return "pseudonymisation (keyed hash)"
	case policies.ActionTokenize:
		if c.Format != "" {
			return "pseudonymisation (format-preserving encryption, FF1)"
		}
		return "pseudonymisation (tokenisation)"
	case policies.ActionMask:
		return "masking"
	case policies.ActionRedact:
		return "masking (redaction of identifiers in text)"
	case policies.ActionGeneralize:
		return "generalisation"
	case policies.ActionNoise:
		return "randomisation (noise, differential privacy)"
	case policies.ActionShiftDate:
		return "randomisation (keyed date shift)"
	}
	return string(c.Action)
}

// parameters returns the action's parameters in force, keys excluded.
func parameters(p *policies.Policy, c *policies.Column) map[string]any {
	m := map[string]any{}
	keySource := func() {
		if c.KeyEnv != "" {
			m["key_env"] = c.KeyEnv
		}
		if c.KeyFile != "" {
			m["key_file"] = c.KeyFile
		}
	}
	switch c.Action {
	case policies.ActionHash:
		keySource()
		m["algorithm"] = "HMAC-SHA256"
		m["encoding"] = c.Encoding
		m["length"] = c.Length
	case policies.ActionTokenize:
		keySource()
		if c.Format != "" {
			m["format"] = c.Format
			m["algorithm"] = "FF1 (NIST SP 800-38G), AES-256"
			if c.Tweak != "" {
				m["tweak"] = c.Tweak
			}
		} else {
			m["algorithm"] = "HMAC-SHA256 token, tok_ + 20 base32 characters"
		}
	case policies.ActionMask:
		m["keep_first"] = c.KeepFirst
		m["keep_last"] = c.KeepLast
		m["mask_char"] = c.MaskChar
		m["keep_separators"] = c.KeepSeparators
	case policies.ActionRedact:
		if len(c.Entities) > 0 {
			m["entities"] = c.Entities
		}
		if c.Replacement != "" {
			m["replacement"] = c.Replacement
		}
	case policies.ActionGeneralize:
		switch {
		case c.Hierarchy != "":
			m["hierarchy"] = c.Hierarchy
			if c.Level != nil {
				m["level"] = *c.Level
			} else {
				m["level"] = "chosen by the privacy search"
			}
			m["on_unknown"] = c.OnUnknown
		case c.Truncate != "":
			m["truncate"] = c.Truncate
		case c.Prefix > 0:
			m["prefix"] = c.Prefix
			if len(c.Restricted) > 0 {
				m["restricted"] = len(c.Restricted)
				m["restricted_as"] = c.RestrictedAs
			}
		default:
			if c.Width > 0 {
				m["width"] = c.Width
			}
			if c.Edges != nil {
				m["edges"] = c.Edges
			}
			if c.TopCode != nil {
				m["top_code"] = *c.TopCode
			}
			if c.BottomCode != nil {
				m["bottom_code"] = *c.BottomCode
			}
			if len(m) == 0 {
				m["generalization"] = "chosen by the privacy search"
			}
		}
	case policies.ActionNoise:
		m["mechanism"] = c.Mechanism
		m["epsilon"] = c.Epsilon
		if c.Delta > 0 {
			m["delta"] = c.Delta
		}
		m["lower"] = *c.Lower
		m["upper"] = *c.Upper
	case policies.ActionShiftDate:
		keySource()
		m["by"] = c.By
		m["max_days"] = c.MaxDays
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// finish fills the counts and notes once the output pass is done.
func (r *Report) finish(pl *Plan, read, written int64) {
	r.RowsIn, r.RowsOut = read, written
	r.Input.Rows, r.Output.Rows = read, written
	r.RowsSuppressed = read - written
	var pseudo []string
	for _, cp := range pl.all {
		c := cp.col
		cr := ColumnReport{Name: cp.name, Role: string(c.Role), Action: string(c.Action), Default: cp.defaulted,
			Technique: Technique(c), Parameters: parameters(pl.policy, c), KeyID: cp.keyID,
			ValuesIn: cp.valuesIn, ValuesChanged: cp.changed, NullsIn: cp.nullsIn, NullsWritten: cp.nullsOut}
		if c.Action != policies.ActionDrop {
			cr.OutputKind = cp.outKind.String()
		}
		r.Columns = append(r.Columns, cr)
		if strings.HasPrefix(cr.Technique, "pseudonymisation") {
			pseudo = append(pseudo, fmt.Sprintf("%q", cp.name))
		}
		if c.Action == policies.ActionNoise {
			if r.DifferentialPrivacy == nil {
				r.DifferentialPrivacy = &DPReport{
					Composition: "sequential over columns: each row contributes one value to each noised column, so the row's privacy loss is the sum",
					Unit:        "one row (record-level); a person with several rows spends the budget once per row",
					Model:       "local (per value): each value is clamped to [lower, upper] and noised on its own",
					Noise:       "secure noise of github.com/google/differential-privacy/go/v3 (crypto/rand); not reproducible by design",
				}
				if pl.policy.Privacy != nil {
					r.DifferentialPrivacy.MaxEpsilon = pl.policy.Privacy.MaxEpsilon
				}
			}
			d := r.DifferentialPrivacy
			sens := *c.Upper - *c.Lower
			dc := DPColumn{Name: cp.name, Mechanism: c.Mechanism, Epsilon: c.Epsilon, Delta: c.Delta, Lower: *c.Lower, Upper: *c.Upper,
				Sensitivity: sens, Rounded: cp.outKind.String() == "integer"}
			if c.Mechanism == "gaussian" {
				dc.Scale = gaussianSigma(sens, c.Epsilon, c.Delta)
			} else {
				dc.Scale = sens / c.Epsilon
			}
			d.Columns = append(d.Columns, dc)
			d.Epsilon += c.Epsilon
			d.Delta += c.Delta
		}
	}
	if len(pseudo) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("Column(s) %s are pseudonymised, not anonymised: whoever holds the key (see key_id) or enough other data "+
			"can link them to people, so the output remains personal data under the GDPR (Art. 4(5), Recital 26; EDPB Guidelines 01/2025). "+
			"The same key gives the same pseudonyms in every table and release: use a key per release to make releases unlinkable.",
			strings.Join(pseudo, ", ")))
	}
	if r.DifferentialPrivacy != nil {
		r.Notes = append(r.Notes, "Differential-privacy noise is drawn from a cryptographically secure source and is not reproducible: "+
			"running the policy again gives other values, and publishing both releases spends the budget twice. Keep this output as the release.")
	}
}
