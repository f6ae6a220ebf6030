package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// Job is a scheduled task. It gets the scheduled time in the union's zone and
// must be idempotent: the database, not the timer, decides whether the work
// was done (a delivery record, a reminder record).
type Job func(ctx context.Context, now time.Time) error

// Scheduler is the one timer of the bot: the monthly push and the sign-up
// reminders are jobs on it. Each run takes a lock so that only one replica
// runs a job at a time.
type Scheduler struct {
	Locker   Locker
	Logger   *slog.Logger
	Location *time.Location
	Now      func() time.Time
	// Observer counts runs and failures by job; nil: none.
	Observer Observer

	cron    *cron.Cron
	jobs    []namedJob
	started bool
}

type namedJob struct {
	name    string
	spec    string
	job     Job
	atStart bool
}

// Every runs job on a cron spec ("0 8 1 * *" = 08:00 on the 1st). With
// atStart it also runs once when the scheduler starts, to catch up on a run
// missed while the bot was down.
func (s *Scheduler) Every(name, spec string, job Job, atStart bool) error {
	if _, err := cron.ParseStandard(spec); err != nil {
		return err
	}
	s.jobs = append(s.jobs, namedJob{name: name, spec: spec, job: job, atStart: atStart})
	return nil
}

// Start begins the timers; Stop ends them.
func (s *Scheduler) Start(ctx context.Context) error {
	loc := s.Location
	if loc == nil {
		loc = time.Local
	}
	s.cron = cron.New(cron.WithLocation(loc))
	for _, j := range s.jobs {
		j := j
		if _, err := s.cron.AddFunc(j.spec, func() { s.RunJob(ctx, j.name) }); err != nil {
			return err
		}
		if j.atStart {
			go s.RunJob(ctx, j.name)
		}
	}
	s.cron.Start()
	s.started = true
	return nil
}

// Stop ends the timers and waits for running jobs.
func (s *Scheduler) Stop() {
	if s.started {
		<-s.cron.Stop().Done()
	}
}

// RunJob runs the named job now under its lock (tests call it with the
// clock set to the moment they want).
func (s *Scheduler) RunJob(ctx context.Context, name string) error {
	for _, j := range s.jobs {
		if j.name != name {
			continue
		}
		now := time.Now()
		if s.Now != nil {
			now = s.Now()
		}
		if s.Location != nil {
			now = now.In(s.Location)
		}
		release := func() {}
		if s.Locker != nil {
			r, ok, err := s.Locker.TryLock(ctx, "job:"+name, 10*time.Minute)
			if err != nil {
				s.logger().Warn("job lock unavailable; running anyway, the job is idempotent", "job", name, "err", err)
			} else if !ok {
				s.logger().Info("job running elsewhere", "job", name)
				return nil
			} else {
				release = r
			}
		}
		defer release()
		err := j.job(ctx, now)
		observer(s.Observer).JobRan(name, err)
		if err != nil {
			s.logger().Error("job failed", "job", name, "err", err)
		}
		return err
	}
	return nil
}

func (s *Scheduler) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}
