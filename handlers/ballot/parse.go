package ballot

import (
	"strconv"
	"strings"

	"unionbot"
)

// ParseQuestions reads the questions as staff type them on the console,
// one a line:
//
//	表决：学校工作报告
//	选举 2：工会委员：张三、李四、王五
//	评议：中层干部民主评议：赵一、钱二、孙三
//	评议：后勤评议：周四：满意/基本满意/不满意
//
// 选举 N chooses up to N (1 when left out); a 评议 uses the default scale
// 优秀/称职/基本称职/不称职 unless a fourth part names one, and asks for an
// anonymous comment.
func ParseQuestions(text string) ([]Question, error) {
	var out []Question
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		line = strings.TrimSpace(strings.ReplaceAll(line, ":", "："))
		if line == "" {
			continue
		}
		parts := strings.Split(line, "：")
		head := strings.Fields(parts[0])
		if len(head) == 0 || len(parts) < 2 {
			return nil, unionbot.Errorf(unionbot.EINVALID, txtParseLine, i+1, line)
		}
		q := Question{Kind: kindName(head[0]), Title: strings.TrimSpace(parts[1])}
		switch q.Kind {
		case KindMotion:
			if len(parts) != 2 {
				return nil, unionbot.Errorf(unionbot.EINVALID, txtParseLine, i+1, line)
			}
		case KindElection, KindReview:
			if len(parts) < 3 || len(parts) > 4 || (q.Kind == KindElection && len(parts) != 3) {
				return nil, unionbot.Errorf(unionbot.EINVALID, txtParseLine, i+1, line)
			}
			q.Options = splitNames(parts[2])
			if q.Kind == KindElection {
				q.Max = 1
				if len(head) > 1 {
					n, err := strconv.Atoi(foldDigits(head[1]))
					if err != nil {
						return nil, unionbot.Errorf(unionbot.EINVALID, txtParseLine, i+1, line)
					}
					q.Max = n
				}
			} else {
				q.Comment = true
				if len(parts) == 4 {
					q.Ratings = splitNames(parts[3])
				}
			}
		default:
			return nil, unionbot.Errorf(unionbot.EINVALID, txtParseLine, i+1, line)
		}
		out = append(out, q)
	}
	return out, nil
}

func splitNames(s string) []string {
	return trimAll(strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、,，/／ ;；", r) }))
}

// FormatQuestions writes questions back in ParseQuestions' form.
func FormatQuestions(qs []Question) string {
	var lines []string
	for _, q := range qs {
		switch q.Kind {
		case KindElection:
			lines = append(lines, q.Kind+" "+strconv.Itoa(q.Max)+"："+q.Title+"："+strings.Join(q.Options, "、"))
		case KindReview:
			lines = append(lines, q.Kind+"："+q.Title+"："+strings.Join(q.Options, "、")+"："+strings.Join(q.Ratings, "/"))
		default:
			lines = append(lines, q.Kind+"："+q.Title)
		}
	}
	return strings.Join(lines, "\n")
}
