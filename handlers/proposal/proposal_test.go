package proposal

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"unionbot"
)

func TestParsePasted(t *testing.T) {
	for _, tc := range []struct {
		kind, text string
		want       map[string]string
		rest       string
	}{
		{KindSuggestion, "标题：食堂增加晚餐窗口 类别：后勤保障 内容：窗口太少。 措施：增开两个。",
			map[string]string{keyTitle: "食堂增加晚餐窗口", keyCategory: "后勤保障", keyContent: "窗口太少。", keyMeasures: "增开两个。"}, ""},
		{KindSuggestion, "关于食堂 建议措施: 增开窗口\n匿名：是",
			map[string]string{keyMeasures: "增开窗口", keyAnonymous: "是"}, "关于食堂"},
		// The motion's names, and the suggestion's where they mean the same.
		{KindMotion, "案由：职称评审 理由：不公平 办法：改权重 附议人：吴老师、郑老师",
			map[string]string{keyTitle: "职称评审", keyContent: "不公平", keyMeasures: "改权重", keySeconders: "吴老师、郑老师"}, ""},
		{KindMotion, "标题：午休室 内容：无处休息 措施：改造教室",
			map[string]string{keyTitle: "午休室", keyContent: "无处休息", keyMeasures: "改造教室"}, ""},
		// A colon inside a sentence is not a label.
		{KindSuggestion, "食堂的问题：窗口太少", nil, "食堂的问题：窗口太少"},
	} {
		got, rest := parsePasted(tc.kind, tc.text, tc.text)
		if diff := cmp.Diff(tc.want, got); diff != "" || rest != tc.rest {
			t.Errorf("parsePasted(%q): rest %q (want %q), values -want +got:\n%s", tc.text, rest, tc.rest, diff)
		}
	}
}

// TestParsePastedTraditional: labels are found in the simplified fold, the
// values kept as the teacher wrote them.
func TestParsePastedTraditional(t *testing.T) {
	text := "標題：圖書館開放 內容：週末關門 措施：延長"
	folded := "标题：图书馆开放 内容：周末关门 措施：延长"
	got, _ := parsePasted(KindSuggestion, text, folded)
	want := map[string]string{keyTitle: "圖書館開放", keyContent: "週末關門", keyMeasures: "延長"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}

func TestNormalizeAndFindNo(t *testing.T) {
	for in, want := range map[string]string{"jy-2026-1": "JY-2026-0001", " TA-2026-0012 ": "TA-2026-0012", "JY－2026－0003": "JY-2026-0003"} {
		if got := NormalizeNo(in); got != want {
			t.Errorf("NormalizeNo(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string][2]string{
		"JY-2026-0001 已更换窗口":  {"JY-2026-0001", "已更换窗口"},
		"ta-2026-7":           {"TA-2026-0007", ""},
		"满意":                  {"", "满意"},
		"JY2026-0002 已交办 总务处": {"JY-2026-0002", "已交办 总务处"},
	} {
		no, rest := findNo(in)
		if no != want[0] || rest != want[1] {
			t.Errorf("findNo(%q) = %q, %q; want %q, %q", in, no, rest, want[0], want[1])
		}
	}
}

// TestWorkflowMoves walks every state: the legal moves apply, the others
// are refused with the moves that are open, and required texts are asked for.
func TestWorkflowMoves(t *testing.T) {
	p := &Proposal{No: "JY-2026-0001", Kind: KindSuggestion, Status: StatusSubmitted}
	mustMove := func(m Move, code string) {
		t.Helper()
		before := *p
		_, err := m.apply(p)
		if got := unionbot.ErrorCode(err); got != code {
			t.Fatalf("%s → %s: code %q (%v), want %q", before.Status, m.To, got, err, code)
		}
		if err != nil && p.Status != before.Status {
			t.Fatalf("a refused move changed the status to %s", p.Status)
		}
	}
	mustMove(Move{To: StatusReplied, Note: "x"}, unionbot.ECONFLICT)
	mustMove(Move{To: "完成"}, unionbot.EINVALID)
	mustMove(Move{To: StatusReviewing}, "")
	mustMove(Move{To: StatusConverted}, unionbot.ECONFLICT) // only motions
	mustMove(Move{To: StatusRejected}, unionbot.EINVALID)   // a reason is required
	mustMove(Move{To: StatusAccepted}, "")
	mustMove(Move{To: StatusAssigned}, unionbot.EINVALID)
	mustMove(Move{To: StatusAssigned, Department: strings.Repeat("部", 51)}, unionbot.EINVALID)
	mustMove(Move{To: StatusAssigned, Department: "总务处"}, "")
	mustMove(Move{To: StatusReplied}, unionbot.EINVALID)
	mustMove(Move{To: StatusReplied, Note: "已增开窗口"}, "")
	if p.Reply != "已增开窗口" || p.Department != "总务处" {
		t.Fatalf("reply %q, department %q", p.Reply, p.Department)
	}
	mustMove(Move{To: StatusAssigned, Department: "校长办公室"}, "") // 不满意: handed on again
	mustMove(Move{To: StatusReplied, Note: "已再次增开"}, "")
	mustMove(Move{To: StatusClosed}, "")
	mustMove(Move{To: StatusReviewing}, unionbot.ECONFLICT)
	if got := Next(&Proposal{Kind: KindMotion, Status: StatusReviewing}); !cmp.Equal(got, []string{StatusAccepted, StatusRejected, StatusConverted}) {
		t.Errorf("motion under review may go to %v", got)
	}
}

func TestCheckTextNamesTheLimit(t *testing.T) {
	if err := checkText("内容", strings.Repeat("字", 2001), 2000); !strings.Contains(unionbot.ErrorMessage(err), "最多 2000 个字，您写了 2001 个字") {
		t.Errorf("too long: %v", err)
	}
	if err := checkText("标题", "  ", 50); !strings.Contains(unionbot.ErrorMessage(err), "“标题”不能为空") {
		t.Errorf("empty: %v", err)
	}
	if err := checkText("标题", strings.Repeat("字", 50), 50); err != nil {
		t.Errorf("at the limit: %v", err)
	}
}
