package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"unionbot"
)

// TestDecodeJSON: one JSON object, every field known and given once.
func TestDecodeJSON(t *testing.T) {
	type in struct {
		Title  string `json:"title"`
		Fields []struct {
			Name string `json:"name"`
		} `json:"fields"`
	}
	for _, tc := range []struct {
		body, want string // want: a word of the refusal, "" for none
	}{
		{`{"title":"春游"}`, ""},
		{`{"title":"春游","fields":[{"name":"a"},{"name":"b"}]}`, ""},
		{`{"title":"春游"} {"title":"x"}`, "多余的内容"},
		{`{"title":"春游"}garbage`, "多余的内容"},
		{`{"title":"春游","title":"秋游"}`, "出现了两次"},
		{`{"fields":[{"name":"a","name":"b"}]}`, "出现了两次"},
		{`{"title":"春游","status":"已结束"}`, "不认识的字段"},
		{``, "为空"},
	} {
		var v in
		err := decodeJSON(httptest.NewRecorder(), httptest.NewRequest("POST", "/", strings.NewReader(tc.body)), &v)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v, want it read", tc.body, err)
		case tc.want != "" && (unionbot.ErrorCode(err) != unionbot.EINVALID || !strings.Contains(unionbot.ErrorMessage(err), tc.want)):
			t.Errorf("%s: %v, want a refusal saying %s", tc.body, err, tc.want)
		}
	}
}
