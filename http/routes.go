package http

import (
	"context"
	"io/fs"
	"net/http"
	"time"

	swaggerFiles "github.com/swaggo/files/v2"
)

func (s *Server) routes() {
	s.userRoutes()
	s.companyRoutes()
	s.employeeRoutes()
	s.importRoutes()
	s.departmentRoutes()
	s.attendanceRoutes()
	s.todayRoutes()
	s.daysRoutes()
	s.correctionRoutes()
	s.overtimeRoutes()
	s.leaveRoutes()
	s.approvalRoutes()
	s.leaveTypeRoutes()
	s.ledgerRoutes()
	s.ledgerJobRoutes()
	s.notificationRoutes()
	s.shiftRoutes()
	s.feedRoutes()
	s.mailRoutes()
	s.decideRoutes()

	s.mux.HandleFunc("/api/", s.apiFallback)
	s.mux.HandleFunc("GET /ws/notifications/{$}", s.notificationStream)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", s.metrics.handler())
	s.mux.HandleFunc("GET /swagger", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/swagger/", http.StatusPermanentRedirect)
	})
	s.mux.Handle("GET /swagger/", swaggerUI())
	if s.cfg.WebApp != nil {
		s.mux.Handle("/", s.cfg.WebApp) // the web app answers GET and HEAD itself
	}
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	if s.Ready != nil {
		if err := s.Ready(ctx); err != nil {
			s.Logger.Warn("not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"status":"unavailable"}` + "\n"))
			return
		}
	}
	_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
}

// swaggerInitializer points Swagger UI at our document, with no call to the
// public validator: it works with no internet access.
const swaggerInitializer = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout"
  });
};
`

// swaggerUI serves the Swagger UI assets embedded in the swaggo/files module,
// with our own initializer. Source maps are not served.
func swaggerUI() http.Handler {
	files := http.StripPrefix("/swagger/", http.FileServerFS(swaggerFiles.FS))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/swagger/swagger-initializer.js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			_, _ = w.Write([]byte(swaggerInitializer))
		case len(p) > 4 && p[len(p)-4:] == ".map":
			http.NotFound(w, r)
		default:
			if _, err := fs.Stat(swaggerFiles.FS, "index.html"); err != nil {
				http.Error(w, "Swagger UI is not available", http.StatusNotFound)
				return
			}
			w.Header().Set("Cache-Control", "public, max-age=3600")
			files.ServeHTTP(w, r)
		}
	})
}
