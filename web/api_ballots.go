package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"unionbot"
	"unionbot/handlers/ballot"
)

// ballotIn is a ballot as staff create it by API.
type ballotIn struct {
	Title         string            `json:"title"`
	ElectorateTag string            `json:"electorate_tag"`
	OpensAt       time.Time         `json:"opens_at"`
	ClosesAt      time.Time         `json:"closes_at"`
	Quorum        *ballot.Rule      `json:"quorum"`
	Pass          *ballot.Rule      `json:"pass"`
	Questions     []ballot.Question `json:"questions"`
	By            string            `json:"by"`
}

func (in *ballotIn) ballot() *ballot.Ballot {
	b := &ballot.Ballot{Title: in.Title, ElectorateTag: in.ElectorateTag, OpensAt: in.OpensAt, ClosesAt: in.ClosesAt,
		Questions: in.Questions, CreatedBy: strings.TrimSpace(in.By)}
	if in.Quorum != nil {
		b.Quorum = *in.Quorum
	}
	if in.Pass != nil {
		b.Pass = *in.Pass
	}
	return b
}

// ballotJSON is a ballot as staff see it: its questions, rules and
// turnout, and once closed the tally and the chain's head. It never holds
// a vote before the ballot closes, nor anything about any one voter.
type ballotJSON struct {
	ID             int64             `json:"id"`
	Title          string            `json:"title"`
	Status         string            `json:"status"`
	ElectorateTag  string            `json:"electorate_tag"`
	ElectorateName string            `json:"electorate_name"`
	OpensAt        time.Time         `json:"opens_at"`
	ClosesAt       time.Time         `json:"closes_at"`
	Quorum         ballot.Rule       `json:"quorum"`
	QuorumText     string            `json:"quorum_text"`
	Pass           ballot.Rule       `json:"pass"`
	PassText       string            `json:"pass_text"`
	Questions      []ballot.Question `json:"questions"`
	Electorate     int               `json:"electorate"`
	Voted          int               `json:"voted"`
	Head           string            `json:"head,omitempty"`
	Tally          *ballot.Tally     `json:"tally,omitempty"`
}

func toBallotJSON(b *ballot.Ballot) ballotJSON {
	j := ballotJSON{ID: b.ID, Title: b.Title, Status: b.Status, ElectorateTag: b.ElectorateTag, ElectorateName: b.ElectorateName(),
		OpensAt: b.OpensAt, ClosesAt: b.ClosesAt, Quorum: b.Quorum, QuorumText: b.Quorum.String(), Pass: b.Pass,
		PassText: b.Pass.String(), Questions: b.Questions, Electorate: b.Electorate, Voted: b.Voted}
	if b.Result != nil {
		j.Head, j.Tally = b.Result.Head, &b.Result.Tally
	}
	return j
}

func ballotID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, unionbot.Errorf(unionbot.EINVALID, "投票编号应为正整数。")
	}
	return id, nil
}

// POST /api/ballots: a new ballot, as a draft.
func (s *Server) createBallot(w http.ResponseWriter, r *http.Request) error {
	var in ballotIn
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	b := in.ballot()
	if err := s.Ballots.Create(r.Context(), b); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toBallotJSON(b))
	return nil
}

// PUT /api/ballots/{id}: replaces a draft; an open ballot is 409.
func (s *Server) updateBallot(w http.ResponseWriter, r *http.Request) error {
	id, err := ballotID(r)
	if err != nil {
		return err
	}
	var in ballotIn
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := s.Ballots.Update(r.Context(), id, in.ballot())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toBallotJSON(b))
	return nil
}

// GET /api/ballots
func (s *Server) listBallots(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Ballots.List(r.Context())
	if err != nil {
		return err
	}
	out := make([]ballotJSON, len(list))
	for i, b := range list {
		out[i] = toBallotJSON(b)
	}
	writeJSON(w, http.StatusOK, map[string]any{"ballots": out})
	return nil
}

// ballotStep answers GET /api/ballots/{id} (the preview and, once closed,
// the tally), POST …/open (snapshots the electorate; votes are taken from
// opens_at to closes_at) and POST …/close (ends voting now, counts and
// publishes) alike: the step on the ballot, then the ballot.
func (s *Server) ballotStep(step func(ctx context.Context, id int64) (*ballot.Ballot, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := ballotID(r)
		if err != nil {
			return err
		}
		b, err := step(r.Context(), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toBallotJSON(b))
		return nil
	}
}

// GET /api/ballots/{id}/result: the published list, for `unionbot ballot
// verify FILE`; the same file voters download from /ballots/{id}/result.
func (s *Server) ballotResult(w http.ResponseWriter, r *http.Request) error {
	id, err := ballotID(r)
	if err != nil {
		return err
	}
	b, err := s.Ballots.Result(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"ballot-%d-result.json\"", b.ID))
	writeJSON(w, http.StatusOK, b.Result)
	return nil
}

// GET /ballots/{id}/result, without the admin token: the published list,
// which names no one, for voters to download and recount. Before the
// ballot closes it is 409.
func (s *Server) publicBallotResult(w http.ResponseWriter, r *http.Request) {
	if err := s.ballotResult(w, r); err != nil {
		writeError(w, err)
	}
}

// GET /api/ballots/{id}/export?format=xlsx: the result for the union's
// records (结果, 评议汇总, 评议意见, 选票名单).
func (s *Server) exportBallot(w http.ResponseWriter, r *http.Request) error {
	if f := r.URL.Query().Get("format"); f != "" && f != "xlsx" {
		return unionbot.Errorf(unionbot.EINVALID, "format 只能是 xlsx。")
	}
	id, err := ballotID(r)
	if err != nil {
		return err
	}
	b, err := s.Ballots.Result(r.Context(), id)
	if err != nil {
		return err
	}
	return s.writeBallotXLSX(w, b)
}
