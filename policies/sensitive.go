package policies

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// checkSensitiveReleased refuses an l-diversity or t-closeness column
// whose released values are not its input values one for one. The models
// are checked on the values of the column; a column the output coarsens
// (bins, a hierarchy level, a mask), noises, drops, or that is itself a
// quasi-identifier (one value a class) would leave classes holding fewer
// distinct released values than the report states. Keep, keyed hash and
// tokens map each value to one value of its own, so they keep l and t.
func (d *decoder) checkSensitiveReleased(p *Policy) {
	pr := p.Privacy
	if pr == nil {
		return
	}
	check := func(key, name string) {
		if name == "" {
			return
		}
		at := &yaml.Node{Line: pr.line, Column: pr.col}
		path := "privacy." + key + ".column"
		c := p.Column(name)
		if c == nil {
			if p.DefaultAction == ActionDrop {
				d.errorf(at, path, ErrConflict, "column %q is dropped (default_action: drop), so the output holds none of its values to check %s on; list it with action: keep", name, key)
			}
			return
		}
		why := ""
		switch {
		case c.Role == RoleQuasi:
			why = "is a quasi-identifier: its released value is the same for a whole class, so no class can hold several of its values"
		case c.Action == ActionDrop:
			why = "is dropped, so the output holds none of its values"
		case c.Action == ActionKeep || c.Action == ActionHash || c.Action == ActionTokenize:
			return
		case c.Action == ActionGeneralize && c.Hierarchy != "" && (c.Level == nil || *c.Level == 0) &&
			c.Width == 0 && c.Edges == nil && c.TopCode == nil && c.BottomCode == nil && c.Truncate == "" && c.Prefix == 0:
			return // the hierarchy gives t-closeness its distance; the values stay leaves
		default:
			why = fmt.Sprintf("is released as %s, not as its values", describeAction(c))
		}
		d.errorf(at, path, ErrConflict, "column %q %s; %s is checked on the values the output holds: release the column unchanged "+
			"(keep; or generalize with a hierarchy at level 0, for t-closeness' hierarchical distance), or name another column", name, why, key)
	}
	if pr.LDiversity != nil {
		check("l_diversity", pr.LDiversity.Column)
	}
	if pr.TCloseness != nil {
		check("t_closeness", pr.TCloseness.Column)
	}
}

// describeAction names a column's action with the parameter that makes
// it coarsen its values.
func describeAction(c *Column) string {
	if c.Action != ActionGeneralize {
		return string(c.Action)
	}
	switch {
	case c.Level != nil:
		return fmt.Sprintf("generalize at level %d", *c.Level)
	case c.Width != 0:
		return "generalize with width"
	case c.Edges != nil:
		return "generalize with edges"
	case c.TopCode != nil || c.BottomCode != nil:
		return "generalize with top or bottom coding"
	case c.Truncate != "":
		return "generalize with truncate"
	case c.Prefix != 0:
		return "generalize with prefix"
	}
	return "generalize"
}
