package profile

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// KeyEnv is the environment variable the draft policy names for the keys
// of hash and tokenize. The key itself never appears in a policy.
const KeyEnv = "VEIL_HASH_KEY"

// Proposal is the action the draft policy proposes for a column.
type Proposal struct {
	Action string
	// Params are the action's parameters in the order written; values
	// are YAML scalars already quoted where they are strings.
	Params [][2]string
	// Note is a short explanation written as a YAML comment.
	Note string
}

// proposeAction maps a column's role and entity to an action:
//
//	direct      drop; hash (keyed, join keys: EMAIL, USERNAME); free text
//	            redacted
//	identifier  tokenize (keyed)
//	quasi       generalize: postal codes and ages left to the k-anonymity
//	            search (masked digits, bins), dates truncated to the year, coordinates in
//	            0.1° bins, categories by an ARX hierarchy when one is
//	            known (hierarchies[column]), else kept for review
//	sensitive   keep (for l-diversity, t-closeness or DP); credentials drop
//	other       keep
func proposeAction(c *Column, hierarchies map[string]string) Proposal {
	q := strconv.Quote
	switch c.Role {
	case RoleDirect:
		switch c.Entity {
		case "EMAIL", "USERNAME":
			return Proposal{Action: "hash", Params: [][2]string{{"key_env", q(KeyEnv)}},
				Note: "keyed pseudonym: joins across tables keep working; the output is still personal data"}
		case "DATE_OF_BIRTH":
			return Proposal{Action: "drop",
				Note: "even its year is a quasi-identifier: to keep the year, set role quasi with truncate year"}
		case "FREE_TEXT":
			return Proposal{Action: "redact", Note: "free text: PII found inside is replaced"}
		}
		return Proposal{Action: "drop"}
	case RoleIdentifier:
		return Proposal{Action: "tokenize", Params: [][2]string{{"key_env", q(KeyEnv)}},
			Note: "record key: consistent keyed tokens, never the original"}
	case RoleQuasi:
		switch {
		case c.Entity == "POSTAL_CODE":
			return Proposal{Action: "generalize", Note: "digits masked from the end, as many as the k-anonymity search needs"}
		case c.Entity == "AGE" || c.Entity == "BIRTH_YEAR":
			return Proposal{Action: "generalize", Note: "bins as wide as the k-anonymity search needs"}
		case c.Entity == "DATE":
			return Proposal{Action: "generalize", Params: [][2]string{{"truncate", q("year")}}}
		case c.Entity == "GEO" && c.Subtype == "COORDINATE":
			return Proposal{Action: "generalize", Params: [][2]string{{"width", "0.1"}}, Note: "0.1° cells (about 11 km)"}
		}
		if h := hierarchies[c.Name]; h != "" {
			return Proposal{Action: "generalize", Params: [][2]string{{"hierarchy", q(h)}},
				Note: "level chosen by the k-anonymity search"}
		}
		return Proposal{Action: "keep", Note: "add a hierarchy: (ARX CSV) to let the k-anonymity search generalize it"}
	case RoleSensitive:
		if c.Entity == "CREDENTIAL" {
			return Proposal{Action: "drop", Note: "a secret: never export it"}
		}
		return Proposal{Action: "keep", Note: "sensitive: protect with l-diversity, t-closeness or noise"}
	}
	return Proposal{Action: "keep"}
}

// DraftOptions configures DraftPolicy.
type DraftOptions struct {
	// Hierarchies maps quasi-identifier columns to ARX hierarchy files,
	// written as given (relative to the policy file).
	Hierarchies map[string]string
	// Source names the profiled input in the header comment.
	Source string
}

// DraftPolicy writes a draft policy in the policy file format (version 1,
// see package policies) proposing an action per column. Every string
// value is double-quoted, so that codes such as zip prefixes keep their
// text. Comments carry each column's entity, confidence and band; a
// privacy block proposes k = 5 when the table has quasi-identifiers.
func DraftPolicy(p *Profile, opt *DraftOptions) []byte {
	if opt == nil {
		opt = &DraftOptions{}
	}
	var b bytes.Buffer
	src := opt.Source
	if src == "" {
		src = p.Input
	}
	fmt.Fprintf(&b, "# Draft policy written by veil profile")
	if src != "" {
		fmt.Fprintf(&b, " from %s", yamlComment(src))
	}
	fmt.Fprintf(&b, " (%d rows, seed %d).\n", p.Rows, p.Seed)
	b.WriteString("# Review every entry: high-confidence proposals can be applied as they are, medium ones need a\n")
	b.WriteString("# look, low ones are kept. Keys for hash and tokenize are read from the environment variable\n")
	fmt.Fprintf(&b, "# %s (or a key_file), never from this file.\n", KeyEnv)
	b.WriteString("version: 1\n")
	b.WriteString("default_action: \"keep\"\n")
	b.WriteString("columns:\n")
	quasi := false
	for i := range p.Columns {
		c := &p.Columns[i]
		prop := proposeAction(c, opt.Hierarchies)
		if c.Role == RoleQuasi {
			quasi = true
		}
		comment := ""
		if c.Entity != "" {
			comment = fmt.Sprintf("%s", c.Entity)
			if c.Subtype != "" {
				comment += "/" + c.Subtype
			}
			comment += fmt.Sprintf(", confidence %.2f (%s)", c.Confidence, c.Band)
			if c.Band == "medium" {
				comment += ", review"
			}
		}
		if prop.Note != "" {
			if comment != "" {
				comment += "; "
			}
			comment += prop.Note
		}
		fmt.Fprintf(&b, "  %s:", strconv.Quote(c.Name))
		if comment != "" {
			fmt.Fprintf(&b, "  # %s", yamlComment(comment))
		}
		b.WriteByte('\n')
		fmt.Fprintf(&b, "    role: %s\n", strconv.Quote(c.Role))
		fmt.Fprintf(&b, "    action: %s\n", strconv.Quote(prop.Action))
		for _, kv := range prop.Params {
			fmt.Fprintf(&b, "    %s: %s\n", kv[0], kv[1])
		}
	}
	if quasi {
		b.WriteString("privacy:\n")
		b.WriteString("  # every combination of quasi-identifier values shared by at least k rows\n")
		b.WriteString("  k: 5\n")
	}
	return b.Bytes()
}

// yamlComment makes s safe inside a one-line comment.
func yamlComment(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
}
