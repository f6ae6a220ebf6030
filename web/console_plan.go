package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"unionbot"
	"unionbot/handlers/announce"
)

// planView is the 年度计划 page: the form, the preview of an import and the
// year's calendar. It reads the announce service directly.
type planView struct {
	*page
	Plan planPageData
}

type planPageData struct {
	Year     string
	Text     string
	FileName string // the uploaded file, kept in the form for 确认保存
	FileData string // base64
	Part     int
	Preview  bool
	Report   *announce.ImportReport // the dry run; Report.Plan is set with it
	Calendar []calendarMonth
}

type calendarMonth struct {
	Year, Month int
	Items       []*announce.Item
}

// GET /admin/plan[?year=2027]: upload or paste the plan; the year's
// calendar (this year's by default).
func (s *Server) planPage(p *page) error {
	p.Title = "年度计划"
	v := &planView{page: p, Plan: planPageData{Year: strconv.Itoa(s.now().In(s.location()).Year())}}
	if y, err := strconv.Atoi(p.r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2999 {
		v.Plan.Year = strconv.Itoa(y)
	}
	s.calendar(v)
	return p.renderData(200, "plan", v)
}

// calendar puts the year's activities by month in the view.
func (s *Server) calendar(v *planView) {
	year, err := strconv.Atoi(v.Plan.Year)
	if err != nil || s.Announce == nil {
		return
	}
	// A school-year plan spans two calendar years (September to July): the
	// next year's months follow, so its January items never vanish.
	for _, y := range []int{year, year + 1} {
		items, err := s.Announce.Items(v.r.Context(), y, 0)
		if err != nil {
			s.logger().Error("console calendar", "err", err)
			return
		}
		for _, it := range items {
			if n := len(v.Plan.Calendar); n == 0 || v.Plan.Calendar[n-1].Month != it.Month || v.Plan.Calendar[n-1].Year != y {
				v.Plan.Calendar = append(v.Plan.Calendar, calendarMonth{Year: y, Month: it.Month})
			}
			m := &v.Plan.Calendar[len(v.Plan.Calendar)-1]
			m.Items = append(m.Items, it)
		}
	}
}

// POST /admin/plan (multipart): preview (a dry run) the plan read from the
// uploaded file or the pasted text beside the calendar's changes, or save
// with save=1 (and part=N for one plan of a collection).
func (s *Server) planImport(p *page) error {
	p.Title = "年度计划"
	r := p.r
	v := &planView{page: p, Plan: planPageData{Year: strings.TrimSpace(r.PostFormValue("year")), Text: r.PostFormValue("text")}}
	v.Plan.Part, _ = strconv.Atoi(r.PostFormValue("part"))
	year, err := strconv.Atoi(v.Plan.Year)
	if err != nil || len(v.Plan.Year) != 4 {
		p.Error = "年份应为四位数字，如 2026。"
		return p.renderData(400, "plan", v)
	}
	name, data, err := planFormFile(r, &v.Plan)
	if err != nil {
		p.Error = unionbot.ErrorMessage(err)
		return p.renderData(400, "plan", v)
	}
	if s.Announce == nil {
		return unionbot.Errorf(unionbot.ENOTFOUND, "该功能尚未启用。")
	}
	save := r.PostFormValue("save") != ""
	rep, err := s.Announce.ImportFile(r.Context(), announce.ImportRequest{Name: name, Data: data, Year: year, Part: v.Plan.Part, DryRun: !save})
	if err != nil {
		var ue *unionbot.Error
		if !errors.As(err, &ue) || ue.Code != unionbot.EINVALID {
			return err
		}
		p.Error, v.Plan.Report, v.Plan.Preview = ue.Message, rep, rep != nil
		return p.renderData(400, "plan", v)
	}
	if save {
		d := rep.Diff
		return p.back("/admin/announce", fmt.Sprintf("%d 年工作计划已保存：新增 %d 项，修改 %d 项，删除 %d 项，未变 %d 项；%d 行没有排入月份。",
			year, len(d.Added), len(d.Changed), len(d.Removed), d.Unchanged, len(rep.Plan.Unplaced)))
	}
	v.Plan.Report, v.Plan.Preview = rep, true
	s.calendar(v)
	return p.renderData(200, "plan", v)
}

// planFormFile is the plan the form sent: a newly uploaded file, else the
// pasted text, else the file kept from the preview.
func planFormFile(r *http.Request, d *planPageData) (string, []byte, error) {
	if f, h, err := r.FormFile("file"); err == nil {
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, MaxPlanBody+1))
		if err != nil || len(b) > MaxPlanBody {
			return "", nil, unionbot.Errorf(unionbot.EINVALID, "文件超过 %d 字节，或无法读取。", MaxPlanBody)
		}
		if len(b) > 0 {
			d.FileName, d.FileData, d.Text = h.Filename, base64.StdEncoding.EncodeToString(b), ""
			return h.Filename, b, nil
		}
	}
	if strings.TrimSpace(d.Text) != "" {
		return "", []byte(d.Text), nil
	}
	if kept := r.PostFormValue("file_data"); kept != "" {
		b, err := base64.StdEncoding.DecodeString(kept)
		if err != nil || len(b) > MaxPlanBody {
			return "", nil, unionbot.Errorf(unionbot.EINVALID, "表单中保留的文件已损坏，请重新选择文件。")
		}
		d.FileName, d.FileData = r.PostFormValue("file_name"), kept
		return d.FileName, b, nil
	}
	return "", nil, unionbot.Errorf(unionbot.EINVALID, "请选择工作计划文件（Word .docx 或文本），或把计划全文粘贴进来。")
}

// announceView is the 公告 page: a month's announcement as teachers will
// read it, the send form and the delivery log.
type announceView struct {
	Month      string
	Preview    string
	PreviewErr string
	Log        []*announce.Delivery
}

// GET /admin/announce?month=2026-12
func (s *Server) announcePage(p *page) error {
	p.Title = "公告"
	if s.Announce == nil {
		p.Data["Off"] = true
		return p.render("announce")
	}
	v := announceView{Month: p.r.URL.Query().Get("month")}
	if v.Month == "" {
		v.Month = s.now().In(s.location()).Format("2006-01")
	}
	if ym, err := announce.ParseYM(v.Month); err != nil {
		v.PreviewErr = unionbot.ErrorMessage(err)
	} else if a, err := s.Announce.Compose(p.r.Context(), ym, false); err != nil {
		v.PreviewErr = unionbot.ErrorMessage(err)
	} else {
		v.Preview = a.Text
	}
	var err error
	if v.Log, err = s.Announce.Deliveries(p.r.Context(), 36); err != nil {
		return err
	}
	p.Data["V"] = v
	return p.render("announce")
}

// POST /admin/announce/send: only with the confirmation box ticked.
func (s *Server) announceSend(p *page) error {
	month := p.r.PostFormValue("month")
	back := "/admin/announce?month=" + url.QueryEscape(month)
	if p.r.PostFormValue("confirm") == "" {
		return p.back(back, "未发送：请勾选“确认发送给全体会员”。")
	}
	ym, err := announce.ParseYM(month)
	if err != nil {
		return err
	}
	if _, err := s.Announce.Push(p.r.Context(), ym, announce.TriggerConsole, p.User, false); err != nil {
		return err
	}
	return p.back(back, month+" 公告已发送。")
}

// Trigger names what sent a monthly announcement.
func (p *page) Trigger(t string) string {
	switch t {
	case announce.TriggerSchedule:
		return "定时发送"
	case announce.TriggerChat:
		return "聊天命令"
	case announce.TriggerConsole:
		return "管理后台"
	}
	return "管理接口"
}
