package storage

// The schema of each migration step, written out. A step's tables are
// these frozen copies of the row types as the step made them, never the
// row types of today: a row type may change, a released step may not.
// (Copied from the row types when this file was written; a later change
// to a table is a new step with its own copies.)

import "time"

type s1Member struct {
	ID         int64  `gorm:"primaryKey"`
	UserID     string `gorm:"size:64;not null;uniqueIndex"`
	Name       string `gorm:"size:64"`
	Department string `gorm:"size:128;index"`
	Tags       string `gorm:"size:512"` // ",tag1,tag2," so LIKE '%,tag,%' finds a tag
	Role       string `gorm:"size:16;not null;default:member"`
	Channel    string `gorm:"size:16"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (s1Member) TableName() string { return "members" }

type s1Session struct {
	UserID    string    `gorm:"primaryKey;size:64"`
	Data      string    `gorm:"type:text"`
	ExpiresAt time.Time `gorm:"index"`
	UpdatedAt time.Time
}

func (s1Session) TableName() string { return "sessions" }

type s1Notice struct {
	ID          int64     `gorm:"primaryKey"`
	ToUsers     string    `gorm:"type:text"` // "|"-separated
	ToParty     string    `gorm:"size:512"`
	ToTag       string    `gorm:"size:512"`
	Channel     string    `gorm:"size:16"`
	Format      string    `gorm:"size:16"`
	Title       string    `gorm:"size:128"`
	Text        string    `gorm:"type:text"`
	Kind        string    `gorm:"size:32;index"`
	Ref         string    `gorm:"size:128;index"`
	Status      string    `gorm:"size:16;not null;index:idx_notices_due,priority:1"`
	NextAt      time.Time `gorm:"index:idx_notices_due,priority:2"`
	LeasedBy    string    `gorm:"size:64"`
	LeasedUntil time.Time
	Attempts    int
	LastCode    int
	LastErr     string `gorm:"size:512"`
	CreatedAt   time.Time
	SentAt      *time.Time
}

func (s1Notice) TableName() string { return "notices" }

type s2Event struct {
	ID               int64  `gorm:"primaryKey"`
	Title            string `gorm:"size:200;not null"`
	Kind             string `gorm:"size:16"`
	Description      string `gorm:"type:text"`
	Location         string `gorm:"size:200"`
	StartsAt         time.Time
	EndsAt           time.Time
	SignupOpensAt    time.Time
	SignupClosesAt   time.Time
	CancelDeadline   time.Time
	Capacity         int
	Waitlist         bool
	MaxCompanions    int
	TeamMin          int
	TeamMax          int
	EligibleTags     string `gorm:"size:512"`
	Fields           string `gorm:"type:text"` // JSON []signup.Field
	RemindUnanswered bool
	Status           string `gorm:"size:16;not null;index"`
	Taken            int    `gorm:"not null;default:0"`
	Seq              int64  `gorm:"not null;default:0"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (s2Event) TableName() string { return "signup_events" }

type s2Entry struct {
	ID         int64  `gorm:"primaryKey"`
	EventID    int64  `gorm:"not null;uniqueIndex:idx_signup_event_user,priority:1;index:idx_signup_event_status,priority:1"`
	UserID     string `gorm:"size:64;not null;uniqueIndex:idx_signup_event_user,priority:2;index"`
	Name       string `gorm:"size:64"`
	Department string `gorm:"size:128"`
	Companions int
	Fields     string `gorm:"type:text"` // JSON map
	Status     string `gorm:"size:16;not null;index:idx_signup_event_status,priority:2"`
	Seq        int64  `gorm:"not null"`
	SignedUpAt time.Time
	CheckedIn  bool
	Team       string `gorm:"size:64"` // the team's name on a captain's entry
	UpdatedAt  time.Time
}

func (s2Entry) TableName() string { return "signups" }

type s2Reminder struct {
	ID      int64  `gorm:"primaryKey"`
	EventID int64  `gorm:"not null;uniqueIndex:idx_signup_reminder,priority:1"`
	Kind    string `gorm:"size:32;not null;uniqueIndex:idx_signup_reminder,priority:2"`
	SentAt  time.Time
}

func (s2Reminder) TableName() string { return "signup_reminders" }

type s3Counter struct {
	Kind  string `gorm:"primaryKey;size:16"`
	Year  int    `gorm:"primaryKey;autoIncrement:false"`
	Value int    `gorm:"not null;default:0"`
}

func (s3Counter) TableName() string { return "proposal_counters" }

type s3Proposal struct {
	ID           int64  `gorm:"primaryKey"`
	No           string `gorm:"size:20;not null;uniqueIndex"`
	Kind         string `gorm:"size:16;not null;index"`
	Year         int    `gorm:"not null"`
	Title        string `gorm:"size:200;not null"`
	Category     string `gorm:"size:16;index"`
	Content      string `gorm:"type:text"`
	Measures     string `gorm:"type:text"`
	Anonymous    bool   `gorm:"not null"`
	AuthorID     string `gorm:"size:64;not null;index"`
	AuthorName   string `gorm:"size:64"`
	AuthorDept   string `gorm:"size:128"`
	Session      string `gorm:"size:100"`
	SecondBy     time.Time
	Status       string `gorm:"size:16;not null;index"`
	Department   string `gorm:"size:100"`
	Reply        string `gorm:"type:text"`
	Satisfaction string `gorm:"size:16"`
	Seq          int64  `gorm:"not null;default:0"` // bumped to lock the row
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (s3Proposal) TableName() string { return "proposals" }

type s3Seconder struct {
	ID         int64  `gorm:"primaryKey"`
	ProposalID int64  `gorm:"not null;uniqueIndex:idx_seconder,priority:1"`
	UserID     string `gorm:"size:64;not null;uniqueIndex:idx_seconder,priority:2;index"`
	Name       string `gorm:"size:64"`
	Status     string `gorm:"size:16;not null"`
	AnsweredAt time.Time
}

func (s3Seconder) TableName() string { return "proposal_seconders" }

type s3ProposalLog struct {
	ID         int64  `gorm:"primaryKey"`
	ProposalID int64  `gorm:"not null;index"`
	FromStatus string `gorm:"size:16"`
	ToStatus   string `gorm:"size:16;not null"`
	ByUser     string `gorm:"size:64"`
	ByName     string `gorm:"size:64"`
	Department string `gorm:"size:100"`
	Note       string `gorm:"type:text"`
	At         time.Time
}

func (s3ProposalLog) TableName() string { return "proposal_log" }

type s3CongressSession struct {
	ID       int64  `gorm:"primaryKey"`
	Name     string `gorm:"size:100;not null"`
	OpensAt  time.Time
	ClosesAt time.Time
}

func (s3CongressSession) TableName() string { return "congress_sessions" }

type s4Faq struct {
	ID         int64  `gorm:"primaryKey"`
	Question   string `gorm:"size:191;not null;uniqueIndex"`
	Alternates string `gorm:"type:text"` // "|"-separated
	Keywords   string `gorm:"type:text"` // "|"-separated
	Answer     string `gorm:"type:text;not null"`
	Category   string `gorm:"size:64;index"`
	Source     string `gorm:"size:16;not null;default:union;index"` // faq.SourceStarter or faq.SourceUnion
	Enabled    bool   `gorm:"not null;default:true"`
	UpdatedBy  string `gorm:"size:64"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (s4Faq) TableName() string { return "faq_entries" }

type s4FaqQuestion struct {
	ID         int64     `gorm:"primaryKey"`
	UserID     string    `gorm:"size:64;not null;index"`
	Text       string    `gorm:"type:text;not null"`
	Status     string    `gorm:"size:16;not null;index"`
	EntryID    int64     `gorm:"not null;default:0;index"` // the entry that answered (unhelpful) or took it (attached)
	Reply      string    `gorm:"type:text"`
	RepliedBy  string    `gorm:"size:64"`
	CreatedAt  time.Time `gorm:"not null"`
	AnsweredAt time.Time `gorm:"not null"`
}

func (s4FaqQuestion) TableName() string { return "faq_questions" }

type s5PlanItem struct {
	ID int64 `gorm:"primaryKey"`
	// Key identifies an imported item across imports (plan year, month and
	// a hash of the title), so that re-importing finds it; manual items get
	// a random key.
	Key      string `gorm:"column:item_key;size:100;not null;uniqueIndex"`
	PlanYear int    `gorm:"not null;index"`
	Year     int    `gorm:"not null;index:idx_plan_items_month,priority:1"`
	Month    int    `gorm:"not null;index:idx_plan_items_month,priority:2"`
	Day      int
	Title    string `gorm:"size:800;not null"`
	Details  string `gorm:"type:text"`
	Audience string `gorm:"size:128"`
	EventID  int64
	Source   string `gorm:"size:16;not null"`
	Position int
	// Changed: a re-import changed or dropped the item after its month was
	// announced (migration 9).
	Changed   bool `gorm:"not null;default:false"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (s5PlanItem) TableName() string { return "plan_items" }

type s5AnnounceDelivery struct {
	ID        int64  `gorm:"primaryKey"`
	Month     string `gorm:"size:7;not null;uniqueIndex"` // 2026-12
	Late      bool
	Trigger   string `gorm:"column:push_trigger;size:16"`
	By        string `gorm:"column:pushed_by;size:64"`
	Items     int
	Text      string `gorm:"type:text"`
	CreatedAt time.Time
}

func (s5AnnounceDelivery) TableName() string { return "announce_deliveries" }

type s6Event struct {
	ID               int64  `gorm:"primaryKey"`
	Title            string `gorm:"size:200;not null"`
	Kind             string `gorm:"size:16"`
	Description      string `gorm:"type:text"`
	Location         string `gorm:"size:200"`
	StartsAt         time.Time
	EndsAt           time.Time
	SignupOpensAt    time.Time
	SignupClosesAt   time.Time
	CancelDeadline   time.Time
	Capacity         int
	Waitlist         bool
	MaxCompanions    int
	TeamMin          int
	TeamMax          int
	EligibleTags     string `gorm:"size:512"`
	Fields           string `gorm:"type:text"` // JSON []signup.Field
	RemindUnanswered bool
	Status           string `gorm:"size:16;not null;index"`
	Taken            int    `gorm:"not null;default:0"`
	Seq              int64  `gorm:"not null;default:0"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (s6Event) TableName() string { return "signup_events" }

type s6Entry struct {
	ID         int64  `gorm:"primaryKey"`
	EventID    int64  `gorm:"not null;uniqueIndex:idx_signup_event_user,priority:1;index:idx_signup_event_status,priority:1"`
	UserID     string `gorm:"size:64;not null;uniqueIndex:idx_signup_event_user,priority:2;index"`
	Name       string `gorm:"size:64"`
	Department string `gorm:"size:128"`
	Companions int
	Fields     string `gorm:"type:text"` // JSON map
	Status     string `gorm:"size:16;not null;index:idx_signup_event_status,priority:2"`
	Seq        int64  `gorm:"not null"`
	SignedUpAt time.Time
	CheckedIn  bool
	Team       string `gorm:"size:64"` // the team's name on a captain's entry
	UpdatedAt  time.Time
}

func (s6Entry) TableName() string { return "signups" }

type s6TeamMember struct {
	ID        int64  `gorm:"primaryKey"`
	EventID   int64  `gorm:"not null;index:idx_signup_team_user,priority:1"`
	EntryID   int64  `gorm:"not null;index"` // the captain's entry
	UserID    string `gorm:"size:64;not null;index:idx_signup_team_user,priority:2"`
	Name      string `gorm:"size:64"`
	Status    string `gorm:"size:16;not null"`
	UpdatedAt time.Time
}

func (s6TeamMember) TableName() string { return "signup_team_members" }

type s8Faq struct {
	ID         int64  `gorm:"primaryKey"`
	Question   string `gorm:"size:191;not null;uniqueIndex"`
	Alternates string `gorm:"type:text"` // "|"-separated
	Keywords   string `gorm:"type:text"` // "|"-separated
	Answer     string `gorm:"type:text;not null"`
	Category   string `gorm:"size:64;index"`
	Source     string `gorm:"size:16;not null;default:union;index"` // faq.SourceStarter or faq.SourceUnion
	Enabled    bool   `gorm:"not null;default:true"`
	UpdatedBy  string `gorm:"size:64"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (s8Faq) TableName() string { return "faq_entries" }

type s8FaqQuestion struct {
	ID         int64     `gorm:"primaryKey"`
	UserID     string    `gorm:"size:64;not null;index"`
	Text       string    `gorm:"type:text;not null"`
	Status     string    `gorm:"size:16;not null;index"`
	EntryID    int64     `gorm:"not null;default:0;index"` // the entry that answered (unhelpful) or took it (attached)
	Reply      string    `gorm:"type:text"`
	RepliedBy  string    `gorm:"size:64"`
	CreatedAt  time.Time `gorm:"not null"`
	AnsweredAt time.Time `gorm:"not null"`
}

func (s8FaqQuestion) TableName() string { return "faq_questions" }

type s9PlanItem struct {
	ID int64 `gorm:"primaryKey"`
	// Key identifies an imported item across imports (plan year, month and
	// a hash of the title), so that re-importing finds it; manual items get
	// a random key.
	Key      string `gorm:"column:item_key;size:100;not null;uniqueIndex"`
	PlanYear int    `gorm:"not null;index"`
	Year     int    `gorm:"not null;index:idx_plan_items_month,priority:1"`
	Month    int    `gorm:"not null;index:idx_plan_items_month,priority:2"`
	Day      int
	Title    string `gorm:"size:800;not null"`
	Details  string `gorm:"type:text"`
	Audience string `gorm:"size:128"`
	EventID  int64
	Source   string `gorm:"size:16;not null"`
	Position int
	// Changed: a re-import changed or dropped the item after its month was
	// announced (migration 9).
	Changed   bool `gorm:"not null;default:false"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (s9PlanItem) TableName() string { return "plan_items" }

type s11ConsoleSession struct {
	ID        string    `gorm:"primaryKey;size:64"`
	UserID    string    `gorm:"size:64"`
	ExpiresAt time.Time `gorm:"not null;index"`
	CreatedAt time.Time
}

func (s11ConsoleSession) TableName() string { return "console_sessions" }
