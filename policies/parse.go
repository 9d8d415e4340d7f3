package policies

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Actions lists every action in the order the documentation gives them.
var Actions = []Action{ActionKeep, ActionDrop, ActionSuppress, ActionHash, ActionTokenize, ActionMask,
	ActionRedact, ActionGeneralize, ActionNoise, ActionShiftDate}

// Roles lists every role.
var Roles = []Role{RoleDirect, RoleIdentifier, RoleQuasi, RoleSensitive, RoleOther}

// actionParams lists the parameter keys each action takes.
var actionParams = map[Action][]string{
	ActionKeep:       nil,
	ActionDrop:       nil,
	ActionSuppress:   nil,
	ActionHash:       {"key_env", "key_file", "encoding", "length"},
	ActionTokenize:   {"key_env", "key_file", "format", "tweak"},
	ActionMask:       {"keep_first", "keep_last", "mask_char", "keep_separators"},
	ActionRedact:     {"entities", "replacement"},
	ActionGeneralize: {"width", "edges", "top_code", "bottom_code", "truncate", "prefix", "restricted", "restricted_as", "hierarchy", "level", "on_unknown"},
	ActionNoise:      {"mechanism", "epsilon", "delta", "lower", "upper"},
	ActionShiftDate:  {"by", "max_days", "key_env", "key_file"},
}

// ActionParams returns the parameter keys action takes, in documentation
// order.
func ActionParams(a Action) []string { return slices.Clone(actionParams[a]) }

// columnCommon are the keys every column entry may have.
var columnCommon = []string{"role", "action", "reason"}

// secretKeys are keys that would put a secret into the policy.
var secretKeys = []string{"key", "secret", "hash_key", "hmac_key", "password", "salt", "pepper"}

// Formats are the tokenize formats.
var Formats = []string{"digits", "alnum", "email", "card", "iban"}

// Hash output encodings and their default and allowed lengths, in
// characters: hex carries 4 bits a character, base32 5.
var hashLengths = map[string]struct{ def, lo, hi int }{
	"hex":    {32, 16, 64},
	"base32": {26, 13, 52},
}

// Parse reads and checks the policy file at path. It sets Path and SHA256
// (of the file's bytes) and loads the hierarchies the policy names. Errors
// are an [ErrorList] naming file:line:column for every problem found.
func Parse(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, ErrorList{{File: path, Err: ErrMissing, Msg: fmt.Sprintf("cannot read the policy: %v", unwrapPathError(err))}}
	}
	return ParseBytes(data, path)
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// ParseBytes parses a policy held in data; path names it in errors and
// anchors relative hierarchy paths.
func ParseBytes(data []byte, path string) (*Policy, error) {
	sum := sha256.Sum256(data)
	d := &decoder{file: path}
	data = bomless(data)
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, d.syntaxError(err)
	}
	p := &Policy{Path: path, SHA256: hex.EncodeToString(sum[:]), Text: bytes.Clone(data)}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, ErrorList{{File: path, Line: 1, Col: 1, Err: ErrMissing, Msg: "the policy is empty: it needs at least `version: 1` and `columns:`"}}
	}
	d.policy(doc.Content[0], p)
	d.crossChecks(p)
	if len(d.errs) > 0 {
		slices.SortStableFunc(d.errs, func(a, b *Error) int {
			if a.Line != b.Line {
				return a.Line - b.Line
			}
			return a.Col - b.Col
		})
		return nil, d.errs
	}
	return p, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)(?:, column (\d+))?: (.*)`)

// syntaxError turns the YAML library's errors into positioned errors.
func (d *decoder) syntaxError(err error) error {
	var out ErrorList
	msgs := []string{err.Error()}
	if te, ok := err.(*yaml.TypeError); ok {
		msgs = te.Errors
	}
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		e := &Error{File: d.file, Err: ErrSyntax, Msg: m}
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			e.Line, _ = strconv.Atoi(g[1])
			if g[2] != "" {
				e.Col, _ = strconv.Atoi(g[2])
			}
			e.Msg = "not valid YAML: " + g[3]
		}
		out = append(out, e)
	}
	return out
}

type decoder struct {
	file string
	errs ErrorList
}

func (d *decoder) errorf(n *yaml.Node, path string, sentinel error, format string, args ...any) {
	e := &Error{File: d.file, Path: path, Err: sentinel, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

// mapping returns the key/value pairs of a mapping node, reporting
// duplicate keys and a node that is not a mapping.
func (d *decoder) mapping(n *yaml.Node, path string) [][2]*yaml.Node {
	n = resolveAlias(n)
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, ErrType, "want a mapping (key: value lines), got %s", describe(n))
		return nil
	}
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		if k.Value == "<<" && k.Tag == "!!merge" {
			// A merge key: splice the merged mapping's pairs in.
			for _, kv := range d.mapping(v, path) {
				if !seen[kv[0].Value] {
					seen[kv[0].Value] = true
					out = append(out, kv)
				}
			}
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, path, ErrType, "a key must be a plain name")
			continue
		}
		if seen[k.Value] {
			if looksLikeKey(k.Value) {
				d.errorf(k, path, ErrSecret, "a key given twice here looks like a secret key itself (not repeated in this message): secrets never go in the policy")
			} else {
				d.errorf(k, join(path, k.Value), ErrDuplicateKey, "given twice")
			}
			continue
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing (null)"
		case "!!int":
			return "an integer"
		case "!!float":
			return "a number"
		case "!!bool":
			return "a boolean"
		}
		return "a string"
	}
	return "something else"
}

// leadingZero matches numbers YAML reads as integers or floats although
// their text starts with a zero: 01234, -007, 00.5.
var leadingZero = regexp.MustCompile(`^[-+]?0[0-9_]+(\.[0-9]*)?$`)

// plainNumberWithZero reports whether n is an unquoted scalar that looks
// like a number with a leading zero.
func plainNumberWithZero(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 &&
		leadingZero.MatchString(n.Value)
}

// str reads a string. Unquoted numbers are accepted as their text, except
// those with a leading zero, which YAML tools disagree on (01234 may become
// 1234 or 668): they must be quoted.
func (d *decoder) str(n *yaml.Node, path string) (string, bool) {
	n = resolveAlias(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.errorf(n, path, ErrType, "want a string, got %s", describe(n))
		return "", false
	}
	if plainNumberWithZero(n) {
		d.errorf(n, path, ErrLeadingZero, "%s has a leading zero: quote it (\"%s\") so that it stays text", n.Value, n.Value)
		return "", false
	}
	return n.Value, true
}

// strList reads a list of strings (a single string is a list of one).
func (d *decoder) strList(n *yaml.Node, path string) ([]string, bool) {
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode {
		s, ok := d.str(n, path)
		return []string{s}, ok
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, ErrType, "want a list of strings, got %s", describe(n))
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	ok := true
	for i, item := range n.Content {
		s, good := d.str(item, fmt.Sprintf("%s[%d]", path, i))
		ok = ok && good
		out = append(out, s)
	}
	return out, ok
}

func (d *decoder) integer(n *yaml.Node, path string) (int, bool) {
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode && plainNumberWithZero(n) {
		d.errorf(n, path, ErrLeadingZero, "%s has a leading zero: write the number without it", n.Value)
		return 0, false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		d.errorf(n, path, ErrType, "want an integer, got %s", describe(n))
		return 0, false
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
	if err != nil || v > math.MaxInt32 || v < math.MinInt32 {
		d.errorf(n, path, ErrValue, "integer out of range")
		return 0, false
	}
	return int(v), true
}

func (d *decoder) number(n *yaml.Node, path string) (float64, bool) {
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode && plainNumberWithZero(n) {
		d.errorf(n, path, ErrLeadingZero, "%s has a leading zero: write the number without it", n.Value)
		return 0, false
	}
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
		d.errorf(n, path, ErrType, "want a number, got %s", describe(n))
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		d.errorf(n, path, ErrValue, "want a finite number")
		return 0, false
	}
	return v, true
}

func (d *decoder) boolean(n *yaml.Node, path string) (bool, bool) {
	n = resolveAlias(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		d.errorf(n, path, ErrType, "want true or false, got %s", describe(n))
		return false, false
	}
	return n.Value == "true" || n.Value == "True" || n.Value == "TRUE", true
}

func (d *decoder) numberList(n *yaml.Node, path string) ([]float64, bool) {
	n = resolveAlias(n)
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, ErrType, "want a list of numbers, got %s", describe(n))
		return nil, false
	}
	out := make([]float64, 0, len(n.Content))
	ok := true
	for i, item := range n.Content {
		v, good := d.number(item, fmt.Sprintf("%s[%d]", path, i))
		ok = ok && good
		out = append(out, v)
	}
	return out, ok
}

// oneOf reads a string that must be one of allowed.
func (d *decoder) oneOf(n *yaml.Node, path string, allowed []string) (string, bool) {
	s, ok := d.str(n, path)
	if !ok {
		return "", false
	}
	if !slices.Contains(allowed, s) {
		d.errorf(n, path, ErrValue, "%q is not one of %s%s", s, strings.Join(allowed, ", "), didYouMean(s, allowed))
		return "", false
	}
	return s, true
}

// unknownKey reports key k, which is none of allowed.
func (d *decoder) unknownKey(k *yaml.Node, path string, allowed []string) {
	if looksLikeKey(k.Value) {
		// e.g. `key_env=<key>` written where `key_env: NAME` was meant:
		// neither the path nor the message may repeat it.
		d.errorf(k, path, ErrSecret, "a key here looks like a secret key itself (not repeated in this message): "+
			"secrets never go in the policy (it is hashed into reports and kept with the output): "+
			"use key_env: NAME (an environment variable holding the key) or key_file: PATH (a file holding it)")
		return
	}
	if slices.Contains(secretKeys, strings.ToLower(k.Value)) {
		d.errorf(k, join(path, k.Value), ErrSecret, "secrets never go in the policy (it is hashed into reports and kept with the output): "+
			"use key_env: NAME (an environment variable holding the key) or key_file: PATH (a file holding it)")
		return
	}
	d.errorf(k, join(path, k.Value), ErrUnknownKey, "unknown key%s; allowed here: %s", didYouMean(k.Value, allowed), strings.Join(allowed, ", "))
}

var topKeys = []string{"version", "description", "default_action", "columns", "privacy", "gates", "release", "governance"}

func (d *decoder) policy(root *yaml.Node, p *Policy) {
	pairs := d.mapping(root, "")
	if pairs == nil {
		return
	}
	var sawVersion, sawColumns bool
	for _, kv := range pairs {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "version":
			sawVersion = true
			if n, ok := d.integer(v, "version"); ok {
				if n != 1 {
					d.errorf(v, "version", ErrValue, "version %d is not supported: this veil reads version 1", n)
				}
				p.Version = n
			}
		case "description":
			p.Description, _ = d.str(v, "description")
		case "default_action":
			if s, ok := d.oneOf(v, "default_action", []string{"keep", "drop", "suppress"}); ok {
				p.DefaultAction = Action(s)
			}
		case "columns":
			sawColumns = true
			p.columnsLine, p.columnsCol = k.Line, k.Column
			d.columns(v, p)
		case "privacy":
			p.Privacy = d.privacy(v)
		case "gates":
			p.Gates = d.gates(v)
		case "release":
			p.Release = d.release(v)
		case "governance":
			p.Governance = d.governance(v)
		default:
			d.unknownKey(k, "", topKeys)
		}
	}
	if !sawVersion {
		d.errorf(root, "version", ErrMissing, "missing: start the policy with `version: 1`")
	}
	if !sawColumns {
		d.errorf(root, "columns", ErrMissing, "missing: the policy needs a columns: block (one entry per column of the data)")
	}
}

func (d *decoder) columns(n *yaml.Node, p *Policy) {
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // an empty columns block: every column takes default_action
	}
	for _, kv := range d.mapping(n, "columns") {
		k, v := kv[0], kv[1]
		name, ok := d.str(k, "columns")
		if !ok {
			continue
		}
		if name == "" {
			d.errorf(k, "columns", ErrValue, "empty column name")
			continue
		}
		if c := d.column(name, k, v); c != nil {
			p.Columns = append(p.Columns, c)
		}
	}
}

// column reads one column entry: a mapping, or an action name alone as a
// shorthand (`name: drop`).
func (d *decoder) column(name string, k, v *yaml.Node) *Column {
	path := "columns." + name
	c := &Column{Name: name, Role: RoleOther, Line: k.Line, Col: k.Column, pos: map[string][2]int{}, KeepSeparators: true}
	if v.Kind == yaml.ScalarNode && v.ShortTag() != "!!null" {
		a, ok := d.action(v, join(path, "action"))
		if !ok {
			return nil
		}
		c.Action = a
		c.pos["action"] = [2]int{v.Line, v.Column}
		d.columnDefaults(c, v, path)
		return c
	}
	pairs := d.mapping(v, path)
	if pairs == nil {
		return nil
	}
	var actionNode *yaml.Node
	for _, kv := range pairs {
		c.pos[kv[0].Value] = [2]int{kv[0].Line, kv[0].Column}
		switch kv[0].Value {
		case "action":
			actionNode = kv[1]
		case "role":
			if s, ok := d.oneOf(kv[1], join(path, "role"), roleNames()); ok {
				c.Role = Role(s)
			}
		case "reason":
			c.Reason, _ = d.str(kv[1], join(path, "reason"))
		}
	}
	if actionNode == nil {
		d.errorf(v, join(path, "action"), ErrMissing, "missing: say what happens to the column (one of %s)", strings.Join(actionNames(), ", "))
		// A misspelt key (actoin) is often why: name it too.
		for _, kv := range pairs {
			if key := kv[0]; !slices.Contains(columnCommon, key.Value) && len(actionsTaking(key.Value)) == 0 {
				d.unknownKey(key, path, columnCommon)
			}
		}
		return nil
	}
	a, ok := d.action(actionNode, join(path, "action"))
	if !ok {
		return nil
	}
	c.Action = a
	params := actionParams[a]
	allowed := append(slices.Clone(columnCommon), params...)
	for _, kv := range pairs {
		key, val := kv[0], kv[1]
		if slices.Contains(columnCommon, key.Value) {
			continue
		}
		if !slices.Contains(params, key.Value) {
			if others := actionsTaking(key.Value); len(others) > 0 {
				takes := "no parameters"
				if len(params) > 0 {
					takes = strings.Join(params, ", ")
				}
				d.errorf(key, join(path, key.Value), ErrNotApplicable, "%s does not apply to action %s (it belongs to %s); %s takes %s",
					key.Value, a, strings.Join(others, ", "), a, takes)
				continue
			}
			d.unknownKey(key, path, allowed)
			continue
		}
		d.param(c, key, val, join(path, key.Value))
	}
	d.columnDefaults(c, v, path)
	return c
}

func roleNames() []string {
	out := make([]string, len(Roles))
	for i, r := range Roles {
		out[i] = string(r)
	}
	return out
}

func actionNames() []string {
	out := make([]string, len(Actions))
	for i, a := range Actions {
		out[i] = string(a)
	}
	return out
}

func actionsTaking(key string) []string {
	var out []string
	for _, a := range Actions {
		if slices.Contains(actionParams[a], key) {
			out = append(out, string(a))
		}
	}
	return out
}

func (d *decoder) action(n *yaml.Node, path string) (Action, bool) {
	s, ok := d.oneOf(n, path, actionNames())
	return Action(s), ok
}

// param reads one action parameter into c.
func (d *decoder) param(c *Column, k, v *yaml.Node, path string) {
	var ok bool
	switch k.Value {
	case "key_env", "key_file":
		d.keySource(c, k.Value, v, path)
	case "format":
		c.Format, _ = d.oneOf(v, path, Formats)
	case "tweak":
		c.Tweak, _ = d.str(v, path)
	case "encoding":
		c.Encoding, _ = d.oneOf(v, path, []string{"hex", "base32"})
	case "length":
		c.Length, _ = d.integer(v, path)
	case "keep_first":
		if c.KeepFirst, ok = d.integer(v, path); ok && c.KeepFirst < 0 {
			d.errorf(v, path, ErrValue, "must not be negative")
		}
	case "keep_last":
		if c.KeepLast, ok = d.integer(v, path); ok && c.KeepLast < 0 {
			d.errorf(v, path, ErrValue, "must not be negative")
		}
	case "mask_char":
		if c.MaskChar, ok = d.str(v, path); ok && utf8.RuneCountInString(c.MaskChar) != 1 {
			d.errorf(v, path, ErrValue, "must be exactly one character")
		}
	case "keep_separators":
		c.KeepSeparators, _ = d.boolean(v, path)
	case "entities":
		if list, ok := d.strList(v, path); ok && len(list) > 0 {
			for i := range list {
				list[i] = strings.ToUpper(strings.TrimSpace(list[i]))
				if list[i] == "" {
					d.errorf(v, path, ErrValue, "empty entity name")
				}
			}
			c.Entities = list
		}
	case "replacement":
		c.Replacement, _ = d.str(v, path)
	case "width":
		if w, ok := d.number(v, path); ok {
			if w <= 0 {
				d.errorf(v, path, ErrValue, "must be positive")
			}
			c.Width = w
		}
	case "edges":
		if e, ok := d.numberList(v, path); ok {
			if len(e) == 0 {
				d.errorf(v, path, ErrValue, "give at least one edge")
			}
			for i := 1; i < len(e); i++ {
				if e[i] <= e[i-1] {
					d.errorf(v.Content[i], fmt.Sprintf("%s[%d]", path, i), ErrValue, "edges must increase strictly")
					break
				}
			}
			c.Edges = e
		}
	case "top_code":
		if f, ok := d.number(v, path); ok {
			c.TopCode = &f
		}
	case "bottom_code":
		if f, ok := d.number(v, path); ok {
			c.BottomCode = &f
		}
	case "truncate":
		c.Truncate, _ = d.oneOf(v, path, []string{"day", "month", "year"})
	case "prefix":
		if c.Prefix, ok = d.integer(v, path); ok && c.Prefix < 1 {
			d.errorf(v, path, ErrValue, "must be at least 1 (use suppress to blank the column)")
		}
	case "restricted":
		if list, ok := d.strList(v, path); ok {
			c.Restricted = list
		}
	case "restricted_as":
		c.RestrictedAs, _ = d.str(v, path)
	case "hierarchy":
		c.Hierarchy, _ = d.str(v, path)
	case "level":
		if l, ok := d.integer(v, path); ok {
			if l < 0 {
				d.errorf(v, path, ErrValue, "must not be negative (0 is the original value)")
			}
			c.Level = &l
		}
	case "on_unknown":
		c.OnUnknown, _ = d.oneOf(v, path, []string{"error", "top"})
	case "mechanism":
		c.Mechanism, _ = d.oneOf(v, path, []string{"laplace", "gaussian"})
	case "epsilon":
		if c.Epsilon, ok = d.number(v, path); ok && c.Epsilon <= 0 {
			d.errorf(v, path, ErrValue, "ε must be positive")
		}
	case "delta":
		if c.Delta, ok = d.number(v, path); ok && (c.Delta < 0 || c.Delta >= 1) {
			d.errorf(v, path, ErrValue, "δ must be in [0, 1)")
		}
	case "lower":
		if f, ok := d.number(v, path); ok {
			c.Lower = &f
		}
	case "upper":
		if f, ok := d.number(v, path); ok {
			c.Upper = &f
		}
	case "by":
		c.By, _ = d.str(v, path)
	case "max_days":
		if c.MaxDays, ok = d.integer(v, path); ok && c.MaxDays < 1 {
			d.errorf(v, path, ErrValue, "must be at least 1")
		}
	}
}

// refusedKeySource stands for a key_env or key_file value that was refused,
// so that the column is not also reported as having no key source. A
// policy with errors is never returned, so the placeholder goes nowhere.
const refusedKeySource = "\x00refused"

// keySource reads key_env or key_file (field). A value that looks like a
// key itself is refused, like a key: entry, and is never repeated in the
// message; nor is a key_env that is not a variable name.
func (d *decoder) keySource(c *Column, field string, v *yaml.Node, path string) {
	dst := &c.KeyEnv
	if field == "key_file" {
		dst = &c.KeyFile
	}
	n := resolveAlias(v)
	if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" && looksLikeKey(n.Value) {
		*dst = refusedKeySource
		if field == "key_env" {
			d.errorf(v, path, ErrSecret, "key_env holds what looks like a key itself, not the name of an environment variable; "+
				"keys never go in the policy (it is hashed into reports and kept with the output): put the key in an "+
				"environment variable and name that variable here (key_env: VEIL_HASH_KEY), and replace the key, since it has been written down")
		} else {
			d.errorf(v, path, ErrSecret, "key_file holds what looks like a key itself, not the path of a key file; "+
				"keys never go in the policy (it is hashed into reports and kept with the output): put the key in a "+
				"file and give its path here (key_file: PATH), and replace the key, since it has been written down")
		}
		return
	}
	if field == "key_file" {
		c.KeyFile, _ = d.str(v, path)
		return
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.errorf(v, path, ErrType, "want the name of an environment variable, got %s", describe(n))
		return
	}
	// Any scalar is taken as text here (an unquoted 0123 is not a name
	// either), and an invalid name is not repeated: it may be part of a key.
	c.KeyEnv = n.Value
	if !validEnvName(c.KeyEnv) {
		d.errorf(v, path, ErrValue, "not an environment variable name (letters, digits and _, not starting with a digit; "+
			"the value is not repeated here in case it holds a secret): key_env names the variable, it never holds the key")
	}
}

func validEnvName(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// columnDefaults checks the parameters an action needs and fills in
// defaults, so that reports show the values in force.
func (d *decoder) columnDefaults(c *Column, n *yaml.Node, path string) {
	at := func(key string) *yaml.Node {
		if p, ok := c.pos[key]; ok {
			return &yaml.Node{Line: p[0], Column: p[1]}
		}
		return n
	}
	needKey := func() {
		switch {
		case c.KeyEnv == "" && c.KeyFile == "":
			d.errorf(n, join(path, "key_env"), ErrMissing, "missing: %s needs a secret key: key_env: NAME (an environment variable) or key_file: PATH", c.Action)
		case c.KeyEnv != "" && c.KeyFile != "":
			d.errorf(at("key_file"), path, ErrConflict, "give key_env or key_file, not both")
		}
	}
	switch c.Action {
	case ActionHash:
		needKey()
		if c.Encoding == "" {
			c.Encoding = "hex"
		}
		lim := hashLengths[c.Encoding]
		if c.Length == 0 {
			c.Length = lim.def
		} else if c.Length < lim.lo || c.Length > lim.hi {
			d.errorf(at("length"), join(path, "length"), ErrValue, "a %s pseudonym has %d to %d characters (%d to 256 bits)", c.Encoding, lim.lo, lim.hi, 64)
		}
	case ActionTokenize:
		needKey()
	case ActionShiftDate:
		needKey()
		if c.By == "" {
			d.errorf(n, join(path, "by"), ErrMissing, "missing: name the column whose value identifies the entity (all its dates move together)")
		} else if c.By == c.Name {
			d.errorf(at("by"), join(path, "by"), ErrValue, "a date column cannot key its own shift")
		}
		if c.MaxDays == 0 {
			d.errorf(n, join(path, "max_days"), ErrMissing, "missing: the largest shift in days, e.g. max_days: 30")
		}
	case ActionMask:
		if c.MaskChar == "" {
			c.MaskChar = "*"
		}
	case ActionNoise:
		if c.Mechanism == "" {
			c.Mechanism = "laplace"
		}
		if _, ok := c.pos["epsilon"]; !ok {
			d.errorf(n, join(path, "epsilon"), ErrMissing, "missing: the privacy loss ε of this column, e.g. epsilon: 1")
		}
		if c.Lower == nil || c.Upper == nil {
			d.errorf(n, join(path, "lower"), ErrMissing, "missing: noise needs clamping bounds lower and upper (values are clamped into [lower, upper] before noise; the noise scale grows with upper - lower)")
		} else if *c.Lower >= *c.Upper {
			d.errorf(at("upper"), join(path, "upper"), ErrValue, "upper must be greater than lower")
		}
		switch c.Mechanism {
		case "gaussian":
			if c.Delta <= 0 {
				d.errorf(n, join(path, "delta"), ErrMissing, "missing: the gaussian mechanism needs 0 < δ < 1, e.g. delta: 1e-6")
			}
		case "laplace":
			if c.Delta != 0 {
				d.errorf(at("delta"), join(path, "delta"), ErrNotApplicable, "the laplace mechanism is pure ε-DP and takes no δ (use mechanism: gaussian for (ε, δ)-DP)")
			}
		}
	case ActionGeneralize:
		d.generalizeModes(c, n, path, at)
	}
}

// generalizeModes checks that a generalize entry uses one kind of
// generalization.
func (d *decoder) generalizeModes(c *Column, n *yaml.Node, path string, at func(string) *yaml.Node) {
	has := func(k string) bool { _, ok := c.pos[k]; return ok }
	var modes []string
	if has("width") || has("edges") || has("top_code") || has("bottom_code") {
		modes = append(modes, "numeric (width, edges, top_code, bottom_code)")
	}
	if has("truncate") {
		modes = append(modes, "date (truncate)")
	}
	if has("prefix") {
		modes = append(modes, "prefix")
	}
	if has("hierarchy") {
		modes = append(modes, "hierarchy")
	}
	if len(modes) > 1 {
		d.errorf(n, path, ErrConflict, "one kind of generalization per column, not %s", strings.Join(modes, " and "))
	}
	if has("width") && has("edges") {
		d.errorf(at("edges"), join(path, "edges"), ErrConflict, "give width or edges, not both")
	}
	if c.TopCode != nil && c.BottomCode != nil && *c.BottomCode >= *c.TopCode {
		d.errorf(at("top_code"), join(path, "top_code"), ErrValue, "top_code must be greater than bottom_code")
	}
	if (has("restricted") || has("restricted_as")) && !has("prefix") {
		d.errorf(at("restricted"), join(path, "restricted"), ErrNotApplicable, "restricted and restricted_as go with prefix")
	}
	for _, r := range c.Restricted {
		if c.Prefix > 0 && utf8.RuneCountInString(r) != c.Prefix {
			d.errorf(at("restricted"), join(path, "restricted"), ErrValue, "every restricted prefix must have %d characters, like the kept prefix", c.Prefix)
			break
		}
	}
	if has("prefix") && c.RestrictedAs == "" && len(c.Restricted) > 0 {
		c.RestrictedAs = strings.Repeat("0", c.Prefix)
	}
	if (has("level") || has("on_unknown")) && !has("hierarchy") {
		d.errorf(at("level"), join(path, "level"), ErrNotApplicable, "level and on_unknown go with hierarchy")
	}
	if has("hierarchy") && c.OnUnknown == "" {
		c.OnUnknown = "error"
	}
}

// crossChecks runs the checks that need the whole policy: hierarchies,
// levels left to the privacy search, the privacy model's columns and the
// differential-privacy budget.
func (d *decoder) crossChecks(p *Policy) {
	d.checkSensitiveReleased(p)
	seen := map[string]bool{}
	for _, c := range p.Columns {
		if seen[c.Name] {
			d.errorf(&yaml.Node{Line: c.Line, Column: c.Col}, "columns."+c.Name, ErrDuplicateKey, "column listed twice")
		}
		seen[c.Name] = true
	}
	model := p.Privacy != nil && (p.Privacy.K > 0 || p.Privacy.LDiversity != nil || p.Privacy.TCloseness != nil)
	quasi := 0
	for _, c := range p.Columns {
		path := "columns." + c.Name
		pos := func(key string) *yaml.Node {
			if q, ok := c.pos[key]; ok {
				return &yaml.Node{Line: q[0], Column: q[1]}
			}
			return &yaml.Node{Line: c.Line, Column: c.Col}
		}
		if c.Role == RoleQuasi && c.Action != ActionDrop && c.Action != ActionSuppress {
			quasi++
		}
		if c.Action != ActionGeneralize {
			continue
		}
		if c.Hierarchy != "" {
			h, err := LoadHierarchy(p.ResolvePath(c.Hierarchy))
			if err != nil {
				d.errorf(pos("hierarchy"), join(path, "hierarchy"), ErrHierarchy, "%v", err)
			} else {
				c.hier = h
				if c.Level != nil && *c.Level > h.Height() {
					d.errorf(pos("level"), join(path, "level"), ErrValue, "level %d is above the hierarchy's height %d", *c.Level, h.Height())
				}
			}
		}
		noMode := true
		for _, k := range []string{"width", "edges", "top_code", "bottom_code", "truncate", "prefix", "hierarchy"} {
			if _, ok := c.pos[k]; ok {
				noMode = false
			}
		}
		_, hasLevel := c.pos["level"]
		free := noMode || (c.Hierarchy != "" && !hasLevel)
		if free && (!model || c.Role != RoleQuasi) {
			what := "a level"
			if noMode {
				what = "one of width, edges, top_code, bottom_code, truncate, prefix or hierarchy (with level)"
			}
			hint := "or make it role: quasi and set privacy.k to let the privacy search choose"
			if model {
				hint = "or make it role: quasi so that the privacy search chooses"
			}
			d.errorf(pos("action"), path, ErrMissing, "generalize needs %s, %s", what, hint)
		}
	}
	if model && quasi == 0 {
		d.errorf(&yaml.Node{Line: p.columnsLine, Column: p.columnsCol}, "privacy", ErrMissing,
			"the privacy model needs quasi-identifiers: give role: quasi to the columns an attacker could know (age, zip, sex...)")
	}
	if p.Privacy != nil && p.Privacy.MaxEpsilon > 0 {
		eps, delta := p.Budget()
		if eps > p.Privacy.MaxEpsilon*(1+1e-12) {
			d.errorf(&yaml.Node{Line: p.Privacy.line, Column: p.Privacy.col}, "privacy.max_epsilon", ErrBudget,
				"the noise columns spend ε = %s in total (sequential composition: every row contributes to each noised column), above max_epsilon %s",
				fmtNum(eps), fmtNum(p.Privacy.MaxEpsilon))
		}
		if p.Privacy.MaxDelta > 0 && delta > p.Privacy.MaxDelta*(1+1e-12) {
			d.errorf(&yaml.Node{Line: p.Privacy.line, Column: p.Privacy.col}, "privacy.max_delta", ErrBudget,
				"the noise columns spend δ = %s in total, above max_delta %s", fmtNum(delta), fmtNum(p.Privacy.MaxDelta))
		}
	}
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// Budget returns the differential-privacy budget the policy's noise columns
// spend, by sequential composition over columns: each row contributes one
// value to each noised column, so a row's total privacy loss is the sum of
// the columns' ε (and δ).
func (p *Policy) Budget() (epsilon, delta float64) {
	for _, c := range p.Columns {
		if c.Action == ActionNoise {
			epsilon += c.Epsilon
			delta += c.Delta
		}
	}
	return epsilon, delta
}

// ResolvePath returns path relative to the policy file's folder, or path
// itself when it is absolute.
func (p *Policy) ResolvePath(path string) string {
	if path == "" || filepath.IsAbs(path) || p.Path == "" {
		return path
	}
	return filepath.Join(filepath.Dir(p.Path), path)
}

// LoadedHierarchy returns the hierarchy of column c, loading it (relative
// to the policy file) on first use.
func (p *Policy) LoadedHierarchy(c *Column) (*Hierarchy, error) {
	if c.hier != nil {
		return c.hier, nil
	}
	if c.Hierarchy == "" {
		return nil, nil
	}
	h, err := LoadHierarchy(p.ResolvePath(c.Hierarchy))
	if err != nil {
		return nil, err
	}
	c.hier = h
	return h, nil
}

var privacyKeys = []string{"k", "suppression_limit", "algorithm", "metric", "l_diversity", "t_closeness", "local_recoding", "max_epsilon", "max_delta"}

func (d *decoder) privacy(n *yaml.Node) *Privacy {
	pr := &Privacy{line: n.Line, col: n.Column}
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return pr
	}
	var local *yaml.Node
	for _, kv := range d.mapping(n, "privacy") {
		k, v := kv[0], kv[1]
		path := "privacy." + k.Value
		var ok bool
		switch k.Value {
		case "k":
			if pr.K, ok = d.integer(v, path); ok && pr.K < 2 {
				d.errorf(v, path, ErrValue, "k must be at least 2 (every class holds k rows)")
			}
		case "suppression_limit":
			if pr.SuppressionLimit, ok = d.number(v, path); ok && (pr.SuppressionLimit < 0 || pr.SuppressionLimit > 1) {
				d.errorf(v, path, ErrValue, "a share of rows between 0 and 1 (0.04 = 4 %%)")
			}
		case "algorithm":
			pr.Algorithm, _ = d.oneOf(v, path, []string{"optimal", "mondrian"})
		case "metric":
			pr.Metric, _ = d.oneOf(v, path, []string{"entropy", "loss", "discernibility", "precision", "aecs"})
		case "l_diversity":
			pr.LDiversity = d.lDiversity(v, path)
		case "t_closeness":
			pr.TCloseness = d.tCloseness(v, path)
		case "local_recoding":
			pr.LocalRecoding, _ = d.boolean(v, path)
			local = v
		case "max_epsilon":
			if pr.MaxEpsilon, ok = d.number(v, path); ok && pr.MaxEpsilon <= 0 {
				d.errorf(v, path, ErrValue, "must be positive")
			}
		case "max_delta":
			if pr.MaxDelta, ok = d.number(v, path); ok && (pr.MaxDelta < 0 || pr.MaxDelta >= 1) {
				d.errorf(v, path, ErrValue, "δ must be in [0, 1)")
			}
		default:
			d.unknownKey(k, "privacy", privacyKeys)
		}
	}
	if pr.LocalRecoding && pr.Algorithm == "mondrian" {
		d.errorf(local, "privacy.local_recoding", ErrConflict,
			"local recoding improves a solution of algorithm: optimal, and Mondrian already recodes class by class: remove local_recoding or use algorithm: optimal")
	}
	if pr.K > 0 || pr.LDiversity != nil || pr.TCloseness != nil {
		if pr.Algorithm == "" {
			pr.Algorithm = "optimal"
		}
		if pr.Metric == "" {
			pr.Metric = "entropy"
		}
	}
	return pr
}

func (d *decoder) lDiversity(n *yaml.Node, path string) *LDiversity {
	l := &LDiversity{}
	pairs := d.mapping(n, path)
	for _, kv := range pairs {
		k, v := kv[0], kv[1]
		p := join(path, k.Value)
		var ok bool
		switch k.Value {
		case "column":
			l.Column, _ = d.str(v, p)
		case "l":
			if l.L, ok = d.number(v, p); ok && l.L < 2 {
				d.errorf(v, p, ErrValue, "l must be at least 2")
			}
		case "variant":
			l.Variant, _ = d.oneOf(v, p, []string{"distinct", "entropy", "recursive"})
		case "c":
			if l.C, ok = d.number(v, p); ok && l.C <= 0 {
				d.errorf(v, p, ErrValue, "c must be positive")
			}
		default:
			d.unknownKey(k, path, []string{"column", "l", "variant", "c"})
		}
	}
	if pairs == nil {
		return nil
	}
	if l.Column == "" {
		d.errorf(n, join(path, "column"), ErrMissing, "missing: the sensitive column whose values must be diverse")
	}
	if l.L == 0 {
		d.errorf(n, join(path, "l"), ErrMissing, "missing: how many well-represented values each class needs, e.g. l: 3")
	}
	if l.Variant == "" {
		l.Variant = "distinct"
	}
	if l.Variant == "recursive" && l.C == 0 {
		d.errorf(n, join(path, "c"), ErrMissing, "missing: recursive (c,l)-diversity needs c, e.g. c: 2")
	}
	if l.Variant != "recursive" && l.C != 0 {
		d.errorf(n, join(path, "c"), ErrNotApplicable, "c goes with variant: recursive")
	}
	return l
}

func (d *decoder) tCloseness(n *yaml.Node, path string) *TCloseness {
	t := &TCloseness{}
	pairs := d.mapping(n, path)
	for _, kv := range pairs {
		k, v := kv[0], kv[1]
		p := join(path, k.Value)
		var ok bool
		switch k.Value {
		case "column":
			t.Column, _ = d.str(v, p)
		case "t":
			if t.T, ok = d.number(v, p); ok && (t.T <= 0 || t.T > 1) {
				d.errorf(v, p, ErrValue, "t must be in (0, 1]")
			}
		case "distance":
			t.Distance, _ = d.oneOf(v, p, []string{"equal", "ordered", "hierarchical"})
		default:
			d.unknownKey(k, path, []string{"column", "t", "distance"})
		}
	}
	if pairs == nil {
		return nil
	}
	if t.Column == "" {
		d.errorf(n, join(path, "column"), ErrMissing, "missing: the sensitive column whose distribution is compared")
	}
	if t.T == 0 {
		d.errorf(n, join(path, "t"), ErrMissing, "missing: the largest Earth Mover's Distance allowed, e.g. t: 0.2")
	}
	if t.Distance == "" {
		t.Distance = "equal"
	}
	return t
}

var gateKeys = []string{"min_k", "max_prosecutor_risk", "max_sample_uniques", "max_exact_copies", "min_dcr_overfitting",
	"min_disclosure_protection", "max_epsilon", "max_singling_out_risk", "max_linkability_risk", "max_inference_risk",
	"max_membership_auc", "max_t", "max_linkage_expected", "min_quality", "max_tvd_1way", "max_tvd_2way", "min_tstr_ratio"}

func (d *decoder) gates(n *yaml.Node) *Gates {
	g := &Gates{}
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return g
	}
	share := func(v *yaml.Node, path string) *float64 {
		f, ok := d.number(v, path)
		if !ok {
			return nil
		}
		if f < 0 || f > 1 {
			d.errorf(v, path, ErrValue, "a share between 0 and 1")
		}
		return &f
	}
	for _, kv := range d.mapping(n, "gates") {
		k, v := kv[0], kv[1]
		path := "gates." + k.Value
		switch k.Value {
		case "min_k":
			if i, ok := d.integer(v, path); ok {
				if i < 1 {
					d.errorf(v, path, ErrValue, "must be at least 1")
				}
				g.MinK = &i
			}
		case "max_prosecutor_risk":
			g.MaxProsecutorRisk = share(v, path)
		case "max_sample_uniques":
			g.MaxSampleUniques = share(v, path)
		case "max_exact_copies":
			g.MaxExactCopies = share(v, path)
		case "min_dcr_overfitting":
			g.MinDCROverfitting = share(v, path)
		case "min_disclosure_protection":
			g.MinDisclosureProt = share(v, path)
		case "max_epsilon":
			if f, ok := d.number(v, path); ok {
				if f <= 0 {
					d.errorf(v, path, ErrValue, "must be positive")
				}
				g.MaxEpsilon = &f
			}
		case "max_singling_out_risk":
			g.MaxSinglingOutRisk = share(v, path)
		case "max_linkability_risk":
			g.MaxLinkabilityRisk = share(v, path)
		case "max_inference_risk":
			g.MaxInferenceRisk = share(v, path)
		case "max_membership_auc":
			// An AUC is a probability (0.5 = chance); a gate below 0.5
			// fails even a release that leaks nothing, but is not
			// malformed.
			g.MaxMembershipAUC = share(v, path)
		case "max_t":
			// Both ground distances of the report (equal, ordered) keep
			// the EMD within [0, 1]: a t above 1 could never fail, and is
			// likelier a percentage (20 for 0.2) than meant.
			if f, ok := d.number(v, path); ok {
				if f < 0 || f > 1 {
					d.errorf(v, path, ErrValue, "t must be between 0 and 1 (the Earth Mover's Distance is at most 1)")
				}
				g.MaxT = &f
			}
		case "max_linkage_expected":
			g.MaxLinkageExpected = share(v, path)
		case "min_quality":
			g.MinQuality = share(v, path)
		case "max_tvd_1way":
			g.MaxTVD1Way = share(v, path)
		case "max_tvd_2way":
			g.MaxTVD2Way = share(v, path)
		case "min_tstr_ratio":
			if f, ok := d.number(v, path); ok {
				if f < 0 {
					d.errorf(v, path, ErrValue, "must not be negative")
				}
				g.MinTSTRRatio = &f
			}
		default:
			d.unknownKey(k, "gates", gateKeys)
		}
	}
	return g
}

// bomless strips a UTF-8 byte order mark.
func bomless(b []byte) []byte { return bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF}) }
