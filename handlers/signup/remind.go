package signup

import (
	"context"
	"fmt"
	"time"

	"unionbot"
)

// Reminders queues the reminders; storage records each one so it goes out
// once whatever runs the job.
type Reminders interface {
	// QueueEventReminders reminds confirmed teachers of events starting
	// within before.
	QueueEventReminders(ctx context.Context, before time.Duration, notice func(*Event) *unionbot.Notice) (int, error)
	// QueueDeadlineReminders reminds eligible members who have not signed
	// up, for events that ask for it, when sign-up closes within before.
	QueueDeadlineReminders(ctx context.Context, before time.Duration, notice func(*Event) *unionbot.Notice) (int, error)
}

// RemindJob returns a scheduler job that reminds confirmed teachers of
// events starting within before (e.g. 24h) and, for events that ask for
// it, the members who have not signed up when sign-up closes within
// before.
func (s *Service) RemindJob(before time.Duration) func(ctx context.Context, now time.Time) error {
	r, loc := s.Store, s.Location
	return func(ctx context.Context, now time.Time) error {
		_, err := r.QueueEventReminders(ctx, before, func(e *Event) *unionbot.Notice {
			where := ""
			if e.Location != "" {
				where = "，地点：" + e.Location
			}
			return &unionbot.Notice{Kind: "signup_reminder", Ref: fmt.Sprintf("event:%d", e.ID),
				Text: fmt.Sprintf(txtReminder, e.Title, e.StartsAt.In(loc).Format("1月2日 15:04"), where)}
		})
		if err != nil {
			return err
		}
		_, err = r.QueueDeadlineReminders(ctx, before, func(e *Event) *unionbot.Notice {
			return &unionbot.Notice{Kind: "signup_reminder", Ref: fmt.Sprintf("event:%d", e.ID),
				Text: fmt.Sprintf(txtDeadline, e.Title, e.SignupClosesAt.In(loc).Format("1月2日 15:04"), e.Title)}
		})
		return err
	}
}
