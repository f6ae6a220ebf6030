package web

import (
	"net/http"
	"strconv"

	"unionbot"
	"unionbot/handlers/care"
)

func hardshipID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, unionbot.Errorf(unionbot.EINVALID, "%s", care.MsgBadCaseID)
	}
	return id, nil
}

// GET /api/care/hardship
func (s *Server) listHardship(w http.ResponseWriter, r *http.Request, by string) error {
	hs, err := s.Care.Hardships(r.Context(), by)
	if err != nil {
		return err
	}
	if hs == nil {
		hs = []*care.Hardship{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"records": hs})
	return nil
}

// POST /api/care/hardship {"member_id", "tier", "main_cause", "sub_causes", "household", "income_fen"} → 201
func (s *Server) createHardship(w http.ResponseWriter, r *http.Request, by string) error {
	var h care.Hardship
	if err := decodeJSON(w, r, &h); err != nil {
		return err
	}
	if err := s.Care.OpenHardship(r.Context(), by, &h); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, h)
	return nil
}

// GET /api/care/hardship/{id}: the record and its stage log; the read is logged.
func (s *Server) getHardship(w http.ResponseWriter, r *http.Request, by string) error {
	id, err := hardshipID(r)
	if err != nil {
		return err
	}
	h, err := s.Care.Hardship(r.Context(), by, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

// GET /api/care/hardship/{id}/reads
func (s *Server) hardshipReads(w http.ResponseWriter, r *http.Request, by string) error {
	id, err := hardshipID(r)
	if err != nil {
		return err
	}
	reads, err := s.Care.HardshipReads(r.Context(), by, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"reads": reads})
	return nil
}

// POST /api/care/hardship/{id}/stage {"to": "审核", "reason", "update": {tier, causes, household, income}}
func (s *Server) moveHardship(w http.ResponseWriter, r *http.Request, by string) error {
	id, err := hardshipID(r)
	if err != nil {
		return err
	}
	var body struct {
		To     string         `json:"to"`
		Reason string         `json:"reason"`
		Update *care.Hardship `json:"update"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	h, err := s.Care.MoveHardship(r.Context(), by, id, body.To, body.Reason, body.Update)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

// GET /api/care/access?ref=ledger:2026: who looked at a listing, the
// ledger or a record, and when.
func (s *Server) careAccess(w http.ResponseWriter, r *http.Request, by string) error {
	reads, err := s.Care.Access(r.Context(), by, r.URL.Query().Get("ref"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"reads": reads})
	return nil
}
