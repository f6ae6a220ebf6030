package web

import "net/http"

// routes is every HTTP route of the bot in one table.
func (s *Server) routes() {
	for path, h := range s.Callbacks {
		s.mux.Handle(path, h)
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)

	// The console: its pages call the /api routes below in process.
	s.mux.Handle("GET /admin/static/", consoleStatic())
	s.mux.HandleFunc("GET /admin/login", s.loginForm)
	s.mux.HandleFunc("POST /admin/login", s.login)
	s.mux.HandleFunc("GET /admin/oauth", s.oauthStart)
	s.mux.HandleFunc("GET /admin/oauth/callback", s.oauthCallback)
	s.mux.HandleFunc("POST /admin/logout", s.console("", s.logout))
	s.mux.HandleFunc("GET /admin/{$}", s.console("overview", s.overviewPage))
	s.mux.HandleFunc("GET /admin", s.console("overview", s.overviewPage))
	s.mux.HandleFunc("GET /admin/members", s.console("members", s.membersPage))
	s.mux.HandleFunc("POST /admin/members/sync", s.console("members", s.memberSync))
	s.mux.HandleFunc("POST /admin/members/{id}/tags", s.console("members", s.memberTags))
	s.mux.HandleFunc("GET /admin/events", s.console("events", s.eventsPage))
	s.mux.HandleFunc("GET /admin/events/new", s.console("events", s.eventNewPage))
	s.mux.HandleFunc("POST /admin/events/new", s.console("events", s.eventCreate))
	s.mux.HandleFunc("GET /admin/events/{id}", s.console("events", s.eventPage))
	s.mux.HandleFunc("GET /admin/events/{id}/edit", s.console("events", s.eventEditPage))
	s.mux.HandleFunc("POST /admin/events/{id}/edit", s.console("events", s.eventUpdate))
	s.mux.HandleFunc("POST /admin/events/{id}/cancel", s.console("events", s.eventCancel))
	s.mux.HandleFunc("GET /admin/events/{id}/export", s.console("events", s.eventExport))
	s.mux.HandleFunc("POST /admin/events/{id}/checkin", s.console("events", s.eventCheckIn))
	s.mux.HandleFunc("POST /admin/events/{id}/promote", s.console("events", s.eventPromote))
	s.mux.HandleFunc("GET /admin/proposals", s.console("proposals", s.proposalsPage))
	s.mux.HandleFunc("GET /admin/proposals/export", s.console("proposals", s.proposalsExport))
	s.mux.HandleFunc("GET /admin/proposals/{no}", s.console("proposals", s.proposalPage))
	s.mux.HandleFunc("POST /admin/proposals/{no}/transition", s.console("proposals", s.proposalTransition))
	s.mux.HandleFunc("GET /admin/faq", s.console("faq", s.faqPage))
	s.mux.HandleFunc("POST /admin/faq/import", s.console("faq", s.faqImport))
	s.mux.HandleFunc("POST /admin/faq/entry", s.console("faq", s.faqEntry))
	s.mux.HandleFunc("POST /admin/faq/{id}/enabled", s.console("faq", s.faqEnabled))
	s.mux.HandleFunc("GET /admin/faq/export", s.console("faq", s.faqExport))
	s.mux.HandleFunc("GET /admin/plan", s.console("plan", s.planPage))
	s.mux.HandleFunc("POST /admin/plan", s.console("plan", s.planImport))
	s.mux.HandleFunc("GET /admin/announce", s.console("announce", s.announcePage))
	s.mux.HandleFunc("POST /admin/announce/send", s.console("announce", s.announceSend))
	s.mux.HandleFunc("POST /api/members/sync", s.api(s.syncMembers))

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
	if s.FAQ != nil {
		s.mux.HandleFunc("GET /api/faq", s.api(s.listFAQ))
		s.mux.HandleFunc("PATCH /api/faq/{id}", s.api(s.patchFAQ))
		s.mux.HandleFunc("GET /api/faq/ask", s.api(s.askFAQ))
		s.mux.HandleFunc("POST /api/faq/import", s.api(s.importFAQ))
		s.mux.HandleFunc("GET /api/faq/export", s.api(s.exportFAQ))
		s.mux.HandleFunc("GET /api/faq/unanswered", s.api(s.listUnanswered))
	}
	if s.Proposals != nil {
		s.mux.HandleFunc("GET /api/proposals", s.api(s.listProposals))
		s.mux.HandleFunc("GET /api/proposals/stats", s.api(s.proposalStats))
		s.mux.HandleFunc("GET /api/proposals/export", s.api(s.exportProposals))
		s.mux.HandleFunc("GET /api/proposals/sessions", s.api(s.listSessions))
		s.mux.HandleFunc("POST /api/proposals/sessions", s.api(s.createSession))
		s.mux.HandleFunc("GET /api/proposals/{no}", s.api(s.getProposal))
		s.mux.HandleFunc("POST /api/proposals/{no}/transition", s.api(s.transitionProposal))
	}
	if s.Events != nil {
		s.mux.HandleFunc("POST /api/events", s.api(s.createEvent))
		s.mux.HandleFunc("GET /api/events", s.api(s.listEvents))
		s.mux.HandleFunc("GET /api/events/{id}", s.api(s.getEvent))
		s.mux.HandleFunc("PATCH /api/events/{id}", s.api(s.patchEvent))
		s.mux.HandleFunc("POST /api/events/{id}/cancel", s.api(s.cancelEvent))
		s.mux.HandleFunc("GET /api/events/{id}/roster", s.api(s.roster))
		s.mux.HandleFunc("GET /api/events/{id}/stats", s.api(s.eventStats))
		s.mux.HandleFunc("POST /api/events/{id}/entries/{user}/checkin", s.api(s.setCheckIn))
		s.mux.HandleFunc("POST /api/events/{id}/entries/{user}/promote", s.api(s.promoteEntry))
	}
}
