// Package web serves the attendance web app: one HTML page, its style sheet,
// its JavaScript modules and its icon. Everything is embedded in the binary,
// so a fresh clone serves the whole app with no build step and no network.
//
// The app is a client of the public API and WebSocket only; it holds no
// server-side state and needs no template rendering.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// Static holds the web app's files, under the directory static/.
//
//go:embed static
var Static embed.FS

// contentTypes pins the types of the files we ship, so the answer does not
// depend on the host's mime.types (some map .js to an obsolete type).
var contentTypes = map[string]string{
	".css":  "text/css; charset=utf-8",
	".html": "text/html; charset=utf-8",
	".ico":  "image/x-icon",
	".js":   "text/javascript; charset=utf-8",
	".json": "application/json",
	".md":   "text/markdown; charset=utf-8",
	".png":  "image/png",
	".svg":  "image/svg+xml",
	".txt":  "text/plain; charset=utf-8",
}

// asset is one embedded file, ready to serve.
type asset struct {
	name  string
	body  []byte
	etag  string
	ctype string
}

// Handler returns the handler that serves the web app at /: index.html for /,
// each embedded file at its own path, and 404 for anything else. Directories
// are never listed. Every response carries an ETag and Cache-Control:
// no-cache, so browsers revalidate cheaply and always run the current app.
// The security headers (the page's Content-Security-Policy among them) are
// the server's, set for every answer in one place (package http).
func Handler() http.Handler {
	assets := load()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" {
			name = "index.html"
		}
		a, ok := assets[name]
		if !ok || path.Clean("/"+name) != "/"+name {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.ctype)
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", a.etag)
		// ServeContent answers If-None-Match against the ETag, Range and HEAD.
		http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(a.body))
	})
}

// load reads every embedded file once. The files are fixed at compile time,
// so failing to read one is a build defect, not a runtime condition.
func load() map[string]*asset {
	root, err := fs.Sub(Static, "static")
	if err != nil {
		panic("web: " + err.Error())
	}
	assets := make(map[string]*asset)
	err = fs.WalkDir(root, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(root, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		assets[name] = &asset{
			name:  name,
			body:  body,
			etag:  `"` + hex.EncodeToString(sum[:12]) + `"`,
			ctype: contentType(name),
		}
		return nil
	})
	if err != nil {
		panic("web: " + err.Error())
	}
	return assets
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
