package profile

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"sync"
)

//go:embed templates/profile.html
var templatesFS embed.FS

// htmlTemplate is parsed on first use, not at every command's start-up.
var htmlTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("profile.html").Funcs(template.FuncMap{
		"pct": func(f float64) string { return fmt.Sprintf("%.2f %%", f*100) },
	}).ParseFS(templatesFS, "templates/profile.html"))
})

// WriteHTML writes the profile as a self-contained HTML page (inline CSS,
// no script, nothing loaded from the network): the per-column table and
// the risk section. It shows what profile.json holds, so no raw value of
// an identifying column.
func WriteHTML(w io.Writer, p *Profile) error {
	return htmlTemplate().Execute(w, p)
}
