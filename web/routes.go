package web

import "net/http"

// routes is every HTTP route of the bot in one table.
func (s *Server) routes() {
	for path, h := range s.Callbacks {
		s.mux.Handle(path, h)
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)

	// The console: its pages call the same services as the /api routes.
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
	s.mux.HandleFunc("POST /admin/events/{id}/draw", s.console("events", s.eventDraw))
	s.mux.HandleFunc("GET /admin/events/{id}/draw.json", s.console("events", s.eventDrawJSON))
	s.mux.HandleFunc("GET /admin/proposals", s.console("proposals", s.proposalsPage))
	s.mux.HandleFunc("GET /admin/proposals/export", s.console("proposals", s.proposalsExport))
	s.mux.HandleFunc("POST /admin/proposals/sessions", s.console("proposals", s.proposalSession))
	s.mux.HandleFunc("GET /admin/proposals/{no}", s.console("proposals", s.proposalPage))
	s.mux.HandleFunc("POST /admin/proposals/{no}/transition", s.console("proposals", s.proposalTransition))
	s.mux.HandleFunc("GET /admin/faq", s.console("faq", s.faqPage))
	s.mux.HandleFunc("POST /admin/faq/import", s.console("faq", s.faqImport))
	s.mux.HandleFunc("POST /admin/faq/entry", s.console("faq", s.faqEntry))
	s.mux.HandleFunc("POST /admin/faq/{id}/enabled", s.console("faq", s.faqEnabled))
	s.mux.HandleFunc("GET /admin/faq/export", s.console("faq", s.faqExport))
	s.mux.HandleFunc("POST /admin/faq/starter", s.console("faq", s.faqStarter))
	s.mux.HandleFunc("POST /admin/faq/questions/{id}/attach", s.console("faq", s.faqAttach))
	s.mux.HandleFunc("POST /admin/faq/ignore", s.console("faq", s.faqIgnore))
	s.mux.HandleFunc("GET /admin/ballots", s.console("ballots", s.ballotsPage))
	s.mux.HandleFunc("POST /admin/ballots", s.console("ballots", s.ballotCreate))
	s.mux.HandleFunc("GET /admin/ballots/{id}", s.console("ballots", s.ballotPage))
	s.mux.HandleFunc("POST /admin/ballots/{id}/open", s.console("ballots", s.ballotOpen))
	s.mux.HandleFunc("POST /admin/ballots/{id}/close", s.console("ballots", s.ballotClose))
	s.mux.HandleFunc("GET /admin/ballots/{id}/export", s.console("ballots", s.ballotExport))
	s.mux.HandleFunc("GET /admin/ballots/{id}/result", s.console("ballots", s.ballotResultFile))
	s.mux.HandleFunc("GET /admin/plan", s.console("plan", s.planPage))
	s.mux.HandleFunc("POST /admin/plan", s.console("plan", s.planImport))
	s.mux.HandleFunc("GET /admin/announce", s.console("announce", s.announcePage))
	s.mux.HandleFunc("POST /admin/announce/send", s.console("announce", s.announceSend))
	s.mux.HandleFunc("GET /admin/care", s.console("care", s.careConsole(s.carePage)))
	s.mux.HandleFunc("POST /admin/care/cases", s.console("care", s.careConsole(s.careCreate)))
	s.mux.HandleFunc("GET /admin/care/ledger", s.console("care", s.careConsole(s.careLedgerFile)))
	s.mux.HandleFunc("POST /admin/care/import", s.console("care", s.careConsole(s.careImport)))
	s.mux.HandleFunc("GET /admin/care/hardship", s.console("care", s.careConsole(s.hardshipPage)))
	s.mux.HandleFunc("POST /admin/care/hardship", s.console("care", s.careConsole(s.hardshipCreate)))
	s.mux.HandleFunc("GET /admin/care/hardship/{id}", s.console("care", s.careConsole(s.hardshipRecordPage)))
	s.mux.HandleFunc("POST /admin/care/hardship/{id}/stage", s.console("care", s.careConsole(s.hardshipStage)))
	s.mux.HandleFunc("POST /admin/care/profiles", s.console("care", s.careConsole(s.careProfiles)))
	s.mux.HandleFunc("POST /admin/care/profile", s.console("care", s.careConsole(s.careProfile)))
	s.mux.HandleFunc("POST /admin/care/rules", s.console("care", s.careConsole(s.careRules)))
	s.mux.HandleFunc("POST /admin/care/festivals/{name}", s.console("care", s.careConsole(s.careFestival)))
	s.mux.HandleFunc("GET /admin/care/{id}", s.console("care", s.careConsole(s.careCasePage)))
	s.mux.HandleFunc("POST /admin/care/{id}/{step}", s.console("care", s.careConsole(s.careStep)))
	s.mux.HandleFunc("POST /admin/members/{id}/care", s.console("members", s.memberCare))
	s.handleAPI("POST /api/members/sync", s.syncMembers)

	s.mux.HandleFunc("/api/", s.api(func(w http.ResponseWriter, r *http.Request) error { return errNoRoute }))

	if s.Metrics != nil {
		s.handleAPI("GET /metrics", func(w http.ResponseWriter, r *http.Request) error {
			s.Metrics.ServeHTTP(w, r)
			return nil
		})
	}
	s.handleAPI("GET /api/members", s.listMembers)
	s.handleAPI("GET /api/members/{id}", s.getMember)
	s.handleAPI("PATCH /api/members/{id}", s.patchMember)
	s.handleAPI("GET /api/notices", s.listNotices)
	if s.Audit != nil {
		s.handleAPI("GET /api/audit", s.listAudit)
		s.mux.HandleFunc("GET /admin/audit", s.console("audit", s.auditPage))
	}
	if s.Accounts != nil {
		s.handleAPI("GET /api/links", s.listLinks)
		s.handleAPI("PUT /api/links/{follower}", s.putLink)
		s.handleAPI("DELETE /api/links/{id}", s.deleteLink)
	}

	if s.Announce != nil {
		s.handleAPI("POST /api/plans/import", s.importPlan)
		s.handleAPI("GET /api/plans", s.listPlanItems)
		s.handleAPI("POST /api/plans/items", s.addPlanItem)
		s.handleAPI("POST /api/announcements/preview", s.previewAnnouncement)
		s.handleAPI("POST /api/announcements/send", s.sendAnnouncement)
		s.handleAPI("GET /api/announcements", s.listAnnouncements)
		s.handleAPI("POST /api/broadcasts", s.broadcast)
	}
	if s.FAQ != nil {
		s.handleAPI("GET /api/faq", s.listFAQ)
		s.handleAPI("PATCH /api/faq/{id}", s.patchFAQ)
		s.handleAPI("GET /api/faq/ask", s.askFAQ)
		s.handleAPI("POST /api/faq/import", s.importFAQ)
		s.handleAPI("GET /api/faq/export", s.exportFAQ)
		s.handleAPI("GET /api/faq/unanswered", s.listUnanswered)
		s.handleAPI("POST /api/faq/starter", s.starterFAQ)
		s.handleAPI("POST /api/faq/questions/{id}/attach", s.attachFAQ)
	}
	if s.Proposals != nil {
		s.handleAPI("GET /api/proposals", s.listProposals)
		s.handleAPI("GET /api/proposals/stats", s.proposalStats)
		s.handleAPI("GET /api/proposals/export", s.exportProposals)
		s.handleAPI("GET /api/proposals/sessions", s.listSessions)
		s.handleAPI("POST /api/proposals/sessions", s.createSession)
		s.handleAPI("GET /api/proposals/{no}", s.getProposal)
		s.handleAPI("POST /api/proposals/{no}/transition", s.transitionProposal)
	}
	if s.Ballots != nil {
		// The published list names no one: voters download it without a token.
		s.mux.HandleFunc("GET /ballots/{id}/result", s.publicBallotResult)
		s.handleAPI("POST /api/ballots", s.createBallot)
		s.handleAPI("GET /api/ballots", s.listBallots)
		s.handleAPI("GET /api/ballots/{id}", s.ballotStep(s.Ballots.Get))
		s.handleAPI("PUT /api/ballots/{id}", s.updateBallot)
		s.handleAPI("POST /api/ballots/{id}/open", s.ballotStep(s.Ballots.Open))
		s.handleAPI("POST /api/ballots/{id}/close", s.ballotStep(s.Ballots.Close))
		s.handleAPI("GET /api/ballots/{id}/result", s.ballotResult)
		s.handleAPI("GET /api/ballots/{id}/export", s.exportBallot)
	}
	if s.Care != nil {
		s.handleAPI("PUT /api/members/{id}/care", s.grantCare)
		s.handleAPI("DELETE /api/members/{id}/care", s.grantCare)
		s.handleCare("GET /api/care/cases", s.listCases)
		s.handleCare("POST /api/care/cases", s.createCase)
		s.handleCare("GET /api/care/cases/{id}", s.getCase)
		s.handleCare("GET /api/care/cases/{id}/reads", s.caseReads)
		s.handleCare("POST /api/care/cases/{id}/assign", s.assignCase)
		s.handleCare("POST /api/care/cases/{id}/visit", s.visitCase)
		s.handleCare("POST /api/care/cases/{id}/payments", s.payCase)
		s.handleCare("POST /api/care/cases/{id}/close", s.closeCase)
		s.handleCare("GET /api/care/rules", s.getCareRules)
		s.handleCare("PUT /api/care/rules", s.putCareRules)
		s.handleCare("GET /api/care/payments", s.careLedger)
		s.handleCare("GET /api/care/ledger", s.careLedger)
		s.handleCare("POST /api/care/ledger/import", s.importCareLedger)
		s.handleCare("GET /api/care/profiles", s.listCareProfiles)
		s.handleCare("POST /api/care/profiles/import", s.importCareProfiles)
		s.handleCare("POST /api/care/profiles", s.saveCareProfile)
		s.handleCare("GET /api/care/festivals/{name}", s.festivalQualifiers)
		s.handleCare("POST /api/care/festivals/{name}/cases", s.festivalCases)
		s.handleCare("GET /api/care/hardship", s.listHardship)
		s.handleCare("POST /api/care/hardship", s.createHardship)
		s.handleCare("GET /api/care/hardship/{id}", s.getHardship)
		s.handleCare("GET /api/care/hardship/{id}/reads", s.hardshipReads)
		s.handleCare("POST /api/care/hardship/{id}/stage", s.moveHardship)
		s.handleCare("GET /api/care/access", s.careAccess)
	}
	if s.Signups != nil {
		s.handleAPI("POST /api/events", s.createEvent)
		s.handleAPI("GET /api/events", s.listEvents)
		s.handleAPI("GET /api/events/{id}", s.getEvent)
		s.handleAPI("PATCH /api/events/{id}", s.patchEvent)
		s.handleAPI("POST /api/events/{id}/cancel", s.cancelEvent)
		s.handleAPI("GET /api/events/{id}/roster", s.roster)
		s.handleAPI("GET /api/events/{id}/stats", s.eventStats)
		s.handleAPI("POST /api/events/{id}/entries/{user}/checkin", s.setCheckIn)
		s.handleAPI("POST /api/events/{id}/entries/{user}/promote", s.promoteEntry)
		s.handleAPI("POST /api/events/{id}/draw", s.drawNow)
		s.handleAPI("GET /api/events/{id}/draw", s.getDraw)
	}
}

// handleAPI registers an admin API route behind the token check and
// remembers its pattern, so a test can walk every one (APIRoutes).
func (s *Server) handleAPI(pattern string, h apiFunc) {
	s.apiRoutes = append(s.apiRoutes, pattern)
	s.mux.HandleFunc(pattern, s.api(h))
}

// APIRoutes lists the patterns of every admin API route, e.g.
// "GET /api/events/{id}".
func (s *Server) APIRoutes() []string {
	s.Handler()
	return append([]string(nil), s.apiRoutes...)
}
