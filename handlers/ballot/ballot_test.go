package ballot

import (
	"fmt"
	"testing"
	"time"

	"unionbot"
)

// TestRuleEdges: the quorum counts exactly two thirds (三分之二以上 includes
// the number itself), the pass line needs more than half of the whole
// electorate, so exactly half fails, whatever the turnout.
func TestRuleEdges(t *testing.T) {
	tests := []struct {
		name                  string
		rule                  Rule
		n, electorate, voters int
		want                  bool
	}{
		{"quorum exactly 2/3", DefaultQuorum, 6, 9, 6, true},
		{"quorum one short of 2/3", DefaultQuorum, 5, 9, 5, false},
		{"quorum 2/3 of 10 is 6.67: 7 meets", DefaultQuorum, 7, 10, 7, true},
		{"quorum 2/3 of 10: 6 does not", DefaultQuorum, 6, 10, 6, false},
		{"strict quorum, exactly 2/3", Rule{Num: 2, Den: 3, Strict: true}, 6, 9, 6, false},
		{"pass exactly half of all", DefaultPass, 5, 10, 10, false},
		{"pass one more than half", DefaultPass, 6, 10, 10, true},
		{"pass: half of all fails though most of those present", DefaultPass, 5, 10, 7, false},
		{"pass of voters: 4 of 7", Rule{Num: 1, Den: 2, Strict: true, OfVoters: true}, 4, 10, 7, true},
		{"pass, odd electorate 301: 151", DefaultPass, 151, 301, 300, true},
		{"pass, odd electorate 301: 150", DefaultPass, 150, 301, 300, false},
	}
	for _, tt := range tests {
		if got := tt.rule.Met(tt.n, tt.electorate, tt.voters); got != tt.want {
			t.Errorf("%s: Met(%d, %d, %d)=%v, want %v", tt.name, tt.n, tt.electorate, tt.voters, got, tt.want)
		}
	}
}

func testBallot(electorate, voted int) *Ballot {
	b := &Ballot{ID: 7, Title: "六届二次教代会", OpensAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		ClosesAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Electorate: electorate, Voted: voted,
		Questions: []Question{
			{Kind: "motion", Title: "学校工作报告"},
			{Kind: "election", Title: "工会委员", Options: []string{"甲", "乙", "丙"}, Max: 2},
			{Kind: "review", Title: "中层干部评议", Options: []string{"张", "王"}, Comment: true},
		}}
	b.normalize()
	return b
}

func votes(n int, a []Answer) []Vote {
	out := make([]Vote, n)
	for i := range out {
		out[i] = Vote{Receipt: NewReceipt(), Answers: a}
	}
	return out
}

// TestTallyOutcomes: motions at the pass line's edge, an election with a
// tie across the last seat, a 评议 counted per rating.
func TestTallyOutcomes(t *testing.T) {
	b := testBallot(10, 9)
	a := func(motion string, picks []string, z, w string) []Answer {
		return []Answer{{Picks: []string{motion}}, {Picks: picks}, {Picks: []string{z, w}}}
	}
	var vs []Vote
	vs = append(vs, votes(5, a(Yes, []string{"甲", "乙"}, "优秀", "称职"))...)
	vs = append(vs, votes(3, a(No, []string{"甲", "丙"}, "称职", "称职"))...)
	vs = append(vs, votes(1, a(Abstain, []string{"乙"}, "不称职", "基本称职"))...)
	if err := b.CheckAnswers(vs[0].Answers); err != nil {
		t.Fatal(err)
	}
	p := Publish(b, vs)
	q := p.Tally.Questions
	if !p.Tally.QuorumMet || p.Tally.Participation != "90.0%" {
		t.Errorf("quorum=%v participation=%s, want true, 90.0%%", p.Tally.QuorumMet, p.Tally.Participation)
	}
	if q[0].Outcome != OutcomeFailed || q[0].Counts[0].Votes != 5 || q[0].Counts[0].Percent != "50.0%" {
		t.Errorf("motion with 5 of 10 for: %+v, want 未通过 (exactly half of all)", q[0])
	}
	// 甲 8, 乙 6, 丙 3: 甲 and 乙 pass (more than 5) and take both seats.
	want := []string{Elected, Elected, NotElected}
	for i, c := range q[1].Counts {
		if c.Outcome != want[i] {
			t.Errorf("candidate %s (%d votes): %s, want %s", c.Name, c.Votes, c.Outcome, want[i])
		}
	}
	if got := fmt.Sprint(q[2].Persons[0].Counts); got != "[{优秀 5 55.6% } {称职 3 33.3% } {基本称职 0 0.0% } {不称职 1 11.1% }]" {
		t.Errorf("评议 of 张: %s", got)
	}
	// One more 赞成 passes it.
	b2 := testBallot(10, 10)
	p2 := Publish(b2, append(vs, votes(1, a(Yes, nil, "优秀", "优秀"))...))
	if got := p2.Tally.Questions[0].Outcome; got != OutcomePassed {
		t.Errorf("6 of 10 for: %s, want 通过", got)
	}
	// Below quorum nothing passes.
	b3 := testBallot(15, 9)
	if got := Publish(b3, vs).Tally.Questions[0].Outcome; got != OutcomeNoQuota {
		t.Errorf("9 of 15 voted: %s, want %s", got, OutcomeNoQuota)
	}
	// Tie across the last seat: 甲 6, 乙 6, 丙 6 with 2 seats.
	b4 := testBallot(10, 9)
	var tie []Vote
	tie = append(tie, votes(3, a(Yes, []string{"甲", "乙"}, "优秀", "优秀"))...)
	tie = append(tie, votes(3, a(Yes, []string{"乙", "丙"}, "优秀", "优秀"))...)
	tie = append(tie, votes(3, a(Yes, []string{"甲", "丙"}, "优秀", "优秀"))...)
	for _, c := range Publish(b4, tie).Tally.Questions[1].Counts {
		if c.Outcome != Tied {
			t.Errorf("tied candidate %s: %s, want %s", c.Name, c.Outcome, Tied)
		}
	}
}

// TestVerifyDetectsTampering: the published list verifies as published;
// changing one answer, dropping a line, or changing the header is caught.
func TestVerifyDetectsTampering(t *testing.T) {
	b := testBallot(5, 4)
	vs := votes(4, []Answer{{Picks: []string{Yes}}, {Picks: []string{"甲"}}, {Picks: []string{"优秀", "称职"}, Comment: "多听意见"}})
	fresh := func() *Published { return Publish(b, vs) }
	if _, err := Verify(fresh()); err != nil {
		t.Fatalf("untouched: %v", err)
	}
	tests := []struct {
		name   string
		change func(p *Published)
	}{
		{"an answer changed", func(p *Published) {
			p.Lines[1].Answers = []Answer{{Picks: []string{No}}, {Picks: []string{"甲"}}, {Picks: []string{"优秀", "称职"}}}
		}},
		{"a line dropped", func(p *Published) { p.Lines = p.Lines[1:] }},
		{"a line dropped and the count fixed", func(p *Published) { p.Lines = p.Lines[1:]; p.Ballot.Voted = 3 }},
		{"the electorate changed", func(p *Published) { p.Ballot.Electorate = 4 }},
		{"the tally changed", func(p *Published) { p.Tally.Questions[0].Counts[0].Votes = 3 }},
		{"the head changed", func(p *Published) { p.Head = p.Lines[0].Hash }},
		{"an answer not on the ballot", func(p *Published) { p.Lines[0].Answers[1].Picks = []string{"丁"} }},
	}
	for _, tt := range tests {
		p := fresh()
		tt.change(p)
		if _, err := Verify(p); unionbot.ErrorCode(err) != unionbot.EINVALID {
			t.Errorf("%s: Verify = %v, want EINVALID", tt.name, err)
		}
	}
}

func TestParseReceipt(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abcd-efgh", "ABCDEFGH"},
		{"ABCD EFGH", "ABCDEFGH"},
		{"ＡＢＣＤ－ＥＦＧＨ", "ABCDEFGH"}, // typed with a full-width keyboard
		{"abcd-efg", ""},
		{"码是什么", ""},
		{"ABCD-EFG1", ""}, // 1 is not in the alphabet
	}
	for _, tt := range tests {
		if got := ParseReceipt(tt.in); got != tt.want {
			t.Errorf("ParseReceipt(%q)=%q, want %q", tt.in, got, tt.want)
		}
	}
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		r := NewReceipt()
		if ParseReceipt(ShowReceipt(r)) != r || seen[r] {
			t.Fatalf("receipt %q does not round-trip or repeats", r)
		}
		seen[r] = true
	}
}

func TestParseQuestions(t *testing.T) {
	text := "表决：学校工作报告\n选举 2：工会委员：甲、乙、丙\n\n评议：中层干部：张、王\n评议: 后勤: 周: 满意/不满意"
	qs, err := ParseQuestions(text)
	if err != nil {
		t.Fatal(err)
	}
	b := &Ballot{Title: "x", Questions: qs, OpensAt: time.Now(), ClosesAt: time.Now().Add(time.Hour)}
	b.normalize()
	if err := b.validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := FormatQuestions(b.Questions), "表决：学校工作报告\n选举 2：工会委员：甲、乙、丙\n评议：中层干部：张、王：优秀/称职/基本称职/不称职\n评议：后勤：周：满意/不满意"; got != want {
		t.Errorf("round trip:\n%s\nwant\n%s", got, want)
	}
	for _, bad := range []string{"投票：x", "表决", "选举 两：委员：甲", "评议：干部"} {
		if _, err := ParseQuestions(bad); unionbot.ErrorCode(err) != unionbot.EINVALID {
			t.Errorf("ParseQuestions(%q) = %v, want EINVALID", bad, err)
		}
	}
}

// TestQuorumEdgeInTally: with 9 representatives, 6 voting (exactly 2/3)
// decide; 5 do not, whatever they vote.
func TestQuorumEdgeInTally(t *testing.T) {
	yes := []Answer{{Picks: []string{Yes}}, {Picks: []string{"甲"}}, {Picks: []string{"优秀", "优秀"}}}
	for _, tt := range []struct {
		voted      int
		quorum     bool
		motion, el string
	}{
		{6, true, OutcomePassed, Elected},
		{5, false, OutcomeNoQuota, ""},
	} {
		p := Publish(testBallot(9, tt.voted), votes(tt.voted, yes))
		q := p.Tally.Questions
		if p.Tally.QuorumMet != tt.quorum || q[0].Outcome != tt.motion || q[1].Counts[0].Outcome != tt.el {
			t.Errorf("%d of 9 voted, all 赞成 and 甲: quorum=%v motion=%s 甲=%q, want %v, %s, %q",
				tt.voted, p.Tally.QuorumMet, q[0].Outcome, q[1].Counts[0].Outcome, tt.quorum, tt.motion, tt.el)
		}
	}
}
