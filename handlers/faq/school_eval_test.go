package faq_test

import (
	"os"
	"regexp"
	"testing"

	"gopkg.in/yaml.v3"

	"unionbot/handlers/faq"
)

// schoolCase is one teacher's question and the standard question of the
// entry that should answer it ("" when the school's Q&A has none).
type schoolCase struct {
	Q    string `yaml:"q"`
	Want string `yaml:"want"`
	Trad bool   `yaml:"traditional"`
}

// SchoolScore is what one evaluation set measured.
type SchoolScore struct {
	Questions, InBase, Trad    int
	Top1, TradTop1, Confident  int
	ConfidentWrong             int
	Accuracy, ConfidentWrongRt float64
}

// MustSchoolEngine loads the starter set (on) and a school's own Q&A, the
// way an import through the API leaves the store.
func MustSchoolEngine(tb testing.TB, faqPath string) *faq.Engine {
	tb.Helper()
	starter, err := faq.DefaultEntries()
	if err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(faqPath)
	if err != nil {
		tb.Fatal(err)
	}
	own, err := faq.ParseYAML(data)
	if err != nil {
		tb.Fatal(err)
	}
	var all []*faq.Entry
	for i, e := range starter {
		e.ID, e.Source = int64(i+1), faq.SourceStarter
		all = append(all, e)
	}
	for i, e := range own {
		e.ID, e.Source = int64(1000+i), faq.SourceUnion
		all = append(all, e)
	}
	e, err := faq.NewEngine()
	if err != nil {
		tb.Fatal(err)
	}
	e.Load(all)
	return e
}

// mustSchoolCases reads a school's questions file.
func mustSchoolCases(tb testing.TB, questionsPath string) []schoolCase {
	tb.Helper()
	data, err := os.ReadFile(questionsPath)
	if err != nil {
		tb.Fatal(err)
	}
	var cases []schoolCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		tb.Fatal(err)
	}
	return cases
}

// NeverTuned reports whether a question file is a set the matcher is never
// tuned on: by name, heldoutN_* (heldout_*, 明德, has been read): tests
// print its summary, not its questions. A new sealed set needs only the
// name; cmd/unionbot's chat test applies the same rule.
func NeverTuned(questionsPath string) bool { return sealedSet.MatchString(questionsPath) }

var sealedSet = regexp.MustCompile(`heldout[0-9]+_`)

// ScoreSchool asks every question of questionsPath against the school's
// Q&A plus the starter set and counts top-1 hits and confident wrong
// answers (a confident answer from the wrong entry, or any confident answer
// to a question the school's Q&A has no entry for).
func ScoreSchool(t *testing.T, faqPath, questionsPath string) SchoolScore {
	t.Helper()
	cases := mustSchoolCases(t, questionsPath)
	e := MustSchoolEngine(t, faqPath)
	logf := t.Logf
	if NeverTuned(questionsPath) { // its summary only: nobody tuning reads its misses
		logf = func(string, ...any) {}
	}
	var s SchoolScore
	for _, c := range cases {
		s.Questions++
		m := e.Ask(c.Q)
		got := ""
		if b := m.Best(); b != nil {
			got = b.Entry.Question
		}
		if c.Trad {
			s.Trad++
		}
		if m.Confidence == faq.High {
			s.Confident++
			if c.Want == "" || got != c.Want {
				s.ConfidentWrong++
				logf("confident and wrong: %q -> %q, want %q", c.Q, got, c.Want)
			}
		}
		if testing.Verbose() && m.Best() != nil {
			lead := 0.0
			if len(m.Hits) > 1 {
				lead = m.Hits[0].Score / m.Hits[1].Score
			}
			logf("  %-24q -> %-20q %-6s cov=%.2f lead=%.2f words=%d", c.Q, got, m.Confidence, m.Best().Coverage, lead, m.Best().Words)
		}
		if c.Want == "" {
			continue
		}
		s.InBase++
		if got == c.Want {
			s.Top1++
			if c.Trad {
				s.TradTop1++
			}
			continue
		}
		cov := 0.0
		if b := m.Best(); b != nil {
			cov = b.Coverage
		}
		logf("miss: %q -> %q (%s, %.2f), want %q", c.Q, got, m.Confidence, cov, c.Want)
	}
	s.Accuracy = float64(s.Top1) / float64(s.InBase)
	s.ConfidentWrongRt = float64(s.ConfidentWrong) / float64(s.Questions)
	t.Logf("%s (starter set on): %d questions, %d traditional; top-1 %d/%d = %.1f%% (traditional %d/%d); confident %d; confidently wrong %d/%d = %.1f%%",
		questionsPath, s.Questions, s.Trad, s.Top1, s.InBase, 100*s.Accuracy, s.TradTop1, s.Trad, s.Confident, s.ConfidentWrong, s.Questions, 100*s.ConfidentWrongRt)
	return s
}

// TestSchoolTuning is the set the matcher was tuned on: issue 18's bar,
// top-1 ≥ 90 % and confidently wrong ≤ 5 %, with the starter set on.
//
//	go test ./handlers/faq/ -run 'School' -v -count=1
func TestSchoolTuning(t *testing.T) {
	s := ScoreSchool(t, "testdata/tuning_faq.yaml", "testdata/tuning_questions.yaml")
	if s.Accuracy < 0.90 {
		t.Errorf("top-1 %.1f%%, want ≥ 90%%", 100*s.Accuracy)
	}
	if s.ConfidentWrongRt > 0.05 {
		t.Errorf("confidently wrong %.1f%%, want ≤ 5%%", 100*s.ConfidentWrongRt)
	}
}

// scoreSet scores a school's set and checks it is what the README says:
// 30+ questions, a third traditional (slack: how many short of a third
// may be). These sets set no bar on the figures; the README quotes them.
func scoreSet(t *testing.T, name string, slack int) {
	t.Helper()
	s := ScoreSchool(t, "testdata/"+name+"_faq.yaml", "testdata/"+name+"_questions.yaml")
	if s.Questions < 30 || 3*s.Trad < s.Questions-slack {
		t.Errorf("%s has %d questions, %d traditional; want 30+, a third traditional", name, s.Questions, s.Trad)
	}
}

// TestSchoolHeldout is the second school (明德). It was held out until its
// misses were read in an earlier stop; since then it counts as tuning.
func TestSchoolHeldout(t *testing.T) { scoreSet(t, "heldout", 1) }

// TestSchoolHeldout3 is a third school (a vocational school's union),
// written by someone who saw neither the matcher, its dictionaries, the
// starter set nor the other sets (only two files' format), and never used
// to tune; six of its misses were seen once this stop (README).
func TestSchoolHeldout3(t *testing.T) { scoreSet(t, "heldout3", 3) }

// TestSchool4 is a fourth school (a university's staff union), written by
// an outsider who saw neither the matcher nor the other sets, as tuning
// data: its misses are read and the matcher is changed for what they show.
func TestSchool4(t *testing.T) { scoreSet(t, "school4", 3) }

// TestSchoolHeldout5 is a fifth school (a city 实验中学), written by an
// outsider helper like the fourth, sealed from the start: nobody working on
// the matcher has read its questions, and the tests print only its
// summary.
func TestSchoolHeldout5(t *testing.T) { scoreSet(t, "heldout5", 3) }

// TestSchool6 is a sixth school (a kindergarten-and-primary education
// group's union), written by an outsider helper, for tuning like the
// fourth.
func TestSchool6(t *testing.T) { scoreSet(t, "school6", 3) }

// TestSchool7 is a seventh school (a county boarding 高级中学), written by
// an outsider helper in the same way, for tuning.
func TestSchool7(t *testing.T) { scoreSet(t, "school7", 3) }

// TestSchoolHeldout8 is an eighth school (a city 九年一贯制学校 on two
// campuses), written by another outsider helper at the same time as the
// seventh and sealed from the start like the fifth.
func TestSchoolHeldout8(t *testing.T) { scoreSet(t, "heldout8", 3) }

// TestLongQuestionOffered: a long question's chatter dilutes its coverage;
// a union entry holding four of its words is still offered first (not
// 转人工), while a question the school's Q&A has no entry for, sharing
// only a word or two, still gets 转人工.
func TestLongQuestionOffered(t *testing.T) {
	e := MustSchoolEngine(t, "testdata/school7_faq.yaml")
	m := e.Ask("上个月体检查出来有个结石，做了手术住了一周院，听说工会有慰问金，要准备啥材料找谁啊")
	if m.Confidence != faq.Middle || m.Best().Entry.Question != "生病住院慰问" {
		t.Errorf("long question: %s, first %q; want middle with 生病住院慰问", m.Confidence, m.Best().Entry.Question)
	}
	if m := e.Ask("听说县总工会有个会员卡刷卡买东西能打折 咱学校咋办"); m.Confidence != faq.Low {
		t.Errorf("a question without an entry: %s (%q); want low", m.Confidence, m.Best().Entry.Question)
	}
}

// TestSchool9 is a ninth school (a township central primary school with
// village teaching points), written by an outsider helper, for tuning.
func TestSchool9(t *testing.T) { scoreSet(t, "school9", 3) }

// TestSchoolHeldout10 is a tenth school (a university-affiliated secondary
// school), written by an outsider helper with the ninth and sealed from
// the start; it was scored once, at the end of the stop that added it.
func TestSchoolHeldout10(t *testing.T) { scoreSet(t, "heldout10", 3) }

// TestSchool11 is an eleventh school (an urban kindergarten education
// group), written by an outsider helper, for tuning.
func TestSchool11(t *testing.T) { scoreSet(t, "school11", 3) }

// TestSchoolHeldout12 is a twelfth school (a municipal special-education
// school), written by an outsider helper with the eleventh and sealed from
// the start: scored on arrival and once more at the end of stop 28.
func TestSchoolHeldout12(t *testing.T) { scoreSet(t, "heldout12", 3) }

// TestSchool13 is a thirteenth school (a private complete secondary school
// with many teachers from other provinces), written by an outsider helper,
// for tuning.
func TestSchool13(t *testing.T) { scoreSet(t, "school13", 3) }

// TestSchool14 is a fourteenth school (a county vocational education
// centre in the north), written by an outsider helper, for tuning.
func TestSchool14(t *testing.T) { scoreSet(t, "school14", 3) }

// TestSchoolHeldout15 and TestSchoolHeldout16 are a rural county high
// school in the southwest and a city centre experimental primary school,
// written by outsider helpers after every change of stop 28 and sealed:
// scored once, at the end of that stop.
func TestSchoolHeldout15(t *testing.T) { scoreSet(t, "heldout15", 3) }

func TestSchoolHeldout16(t *testing.T) { scoreSet(t, "heldout16", 3) }

// TestSchool17 is a seventeenth union (a county's joint grassroots union of
// its teacher development centre and five village schools), written by an
// outsider helper, for tuning; its questions include voice-input
// transcripts, fragments and emoji.
func TestSchool17(t *testing.T) { scoreSet(t, "school17", 3) }

// TestSchool18 is an eighteenth school (a bilingual boarding school in a
// pastoral area), written by an outsider helper, for tuning.
func TestSchool18(t *testing.T) { scoreSet(t, "school18", 3) }

// TestSchool19 and TestSchool20 are a university's attached primary school
// and a former mine school handed to the district, written by outsider
// helpers, for tuning.
func TestSchool19(t *testing.T) { scoreSet(t, "school19", 3) }

func TestSchool20(t *testing.T) { scoreSet(t, "school20", 3) }

// TestSchoolHeldout21 and TestSchoolHeldout22 are an island school reached
// by ferry and a nursing school, written by outsider helpers beside the
// nineteenth and twentieth and sealed: scored once, at the end of stop 28.
func TestSchoolHeldout21(t *testing.T) { scoreSet(t, "heldout21", 3) }

func TestSchoolHeldout22(t *testing.T) { scoreSet(t, "heldout22", 3) }

// TestSchoolHeldout23 to TestSchoolHeldout26 are a higher vocational
// college over two campuses, an ethnic boarding middle school in the
// southwestern mountains (its teachers write in the local Mandarin: 啥子,
// 咋个, 莫得), a municipal sports school whose coaches travel with their
// teams, and a city primary education group on three campuses. Written by
// outsider helpers at the start of stop 29, sealed, and scored once, before
// any change to the matcher in that stop.
func TestSchoolHeldout23(t *testing.T) { scoreSet(t, "heldout23", 3) }

func TestSchoolHeldout24(t *testing.T) { scoreSet(t, "heldout24", 3) }

func TestSchoolHeldout25(t *testing.T) { scoreSet(t, "heldout25", 3) }

func TestSchoolHeldout26(t *testing.T) { scoreSet(t, "heldout26", 3) }
