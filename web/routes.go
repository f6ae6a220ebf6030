package web

import "net/http"

// routes is every HTTP route of the bot in one table.
func (s *Server) routes() {
	for path, h := range s.Callbacks {
		s.mux.Handle(path, h)
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("/api/", s.api(func(w http.ResponseWriter, r *http.Request) error { return errNoRoute }))

	s.mux.HandleFunc("GET /api/members", s.api(s.listMembers))
	s.mux.HandleFunc("GET /api/members/{id}", s.api(s.getMember))
	s.mux.HandleFunc("PATCH /api/members/{id}", s.api(s.patchMember))
	s.mux.HandleFunc("GET /api/notices", s.api(s.listNotices))

	if s.Announce != nil {
		s.mux.HandleFunc("POST /api/plans/import", s.api(s.importPlan))
		s.mux.HandleFunc("GET /api/plans", s.api(s.listPlanItems))
		s.mux.HandleFunc("POST /api/plans/items", s.api(s.addPlanItem))
		s.mux.HandleFunc("POST /api/announcements/preview", s.api(s.previewAnnouncement))
		s.mux.HandleFunc("POST /api/announcements/send", s.api(s.sendAnnouncement))
		s.mux.HandleFunc("GET /api/announcements", s.api(s.listAnnouncements))
		s.mux.HandleFunc("POST /api/broadcasts", s.api(s.broadcast))
	}
	s.mux.HandleFunc("GET /api/faq/ask", s.api(s.askFAQ))
	s.mux.HandleFunc("POST /api/faq/import", s.api(s.importFAQ))
	s.mux.HandleFunc("GET /api/faq/export", s.api(s.exportFAQ))
	s.mux.HandleFunc("GET /api/faq/unanswered", s.api(s.listUnanswered))
	s.mux.HandleFunc("POST /api/events", s.api(s.createEvent))
	s.mux.HandleFunc("GET /api/events", s.api(s.listEvents))
	s.mux.HandleFunc("GET /api/events/{id}", s.api(s.getEvent))
	s.mux.HandleFunc("PATCH /api/events/{id}", s.api(s.patchEvent))
	s.mux.HandleFunc("POST /api/events/{id}/cancel", s.api(s.cancelEvent))
	s.mux.HandleFunc("GET /api/events/{id}/roster", s.api(s.roster))
	s.mux.HandleFunc("GET /api/events/{id}/stats", s.api(s.eventStats))
}
