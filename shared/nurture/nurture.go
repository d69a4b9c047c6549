// Package nurture is lead nurturing: sequences of steps that leads enter and leave by rule,
// the rules every message must pass before it goes out (consent, WhatsApp's 24-hour window,
// quiet hours and the weekend in Asia/Dubai, a per-lead frequency cap, the lead's language),
// templates, and the outbox every message passes through. Time is always passed in, so a
// simulated week runs on an injected clock.
package nurture

import (
	"fmt"
	"slices"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
)

// Channel is how a message reaches a lead.
type Channel string

// The channels.
const (
	WhatsApp Channel = "whatsapp"
	Email    Channel = "email"
	SMS      Channel = "sms"
)

// StepKind is what a step does.
type StepKind string

// The step kinds.
const (
	StepWait    StepKind = "wait"
	StepMessage StepKind = "message"
	StepTask    StepKind = "task"
	StepStage   StepKind = "stage"
)

// EntryRule names the event that enrolls a lead in a sequence.
type EntryRule string

// The entry rules.
const (
	EntryNewLead     EntryRule = "new_lead"
	EntryNoContact   EntryRule = "no_contact"
	EntryViewingDone EntryRule = "viewing_done"
	EntryLost        EntryRule = "lost_reengage"
)

// Exit reasons, also the names of the exit rules a sequence can list.
const (
	ExitReplied      = "replied"
	ExitStageChanged = "stage_changed"
	ExitOptedOut     = "opted_out"
)

// Template is a message's text per language ("en", "ar"), with {{variables}}.
type Template struct {
	Name string `json:"name" maxLength:"80" doc:"Template name; WhatsApp templates carry the name approved by Meta."`
	// Approved marks a WhatsApp template approved by Meta: only those may open a conversation
	// outside the 24-hour window.
	Approved bool `json:"approved,omitempty" doc:"Approved by Meta as a WhatsApp template."`
	// Reviewed marks a template a person has read; messages from unreviewed ones wait in review.
	Reviewed bool              `json:"reviewed,omitempty" doc:"Read and released by a person; otherwise messages wait in the review queue."`
	Subject  map[string]string `json:"subject,omitempty" doc:"Email subject per language."`
	Body     map[string]string `json:"body" doc:"Text per language (en, ar) with {{variables}}."`
}

// Step is one step of a sequence.
type Step struct {
	Kind       StepKind  `json:"kind" enum:"wait,message,task,stage"`
	WaitHours  int       `json:"wait_hours,omitempty" minimum:"0" maximum:"8760" doc:"For wait steps."`
	Channel    Channel   `json:"channel,omitempty" enum:"whatsapp,email,sms" doc:"For message steps."`
	Template   *Template `json:"template,omitempty" doc:"For message steps."`
	AIDraft    bool      `json:"ai_draft,omitempty" doc:"Let the AI provider personalise the template with matching listings."`
	TaskTitle  string    `json:"task_title,omitempty" maxLength:"200" doc:"For task steps: the agent's task."`
	Stage      string    `json:"stage,omitempty" doc:"For stage steps: the lead's new stage."`
	TaskDueHrs int       `json:"task_due_hours,omitempty" minimum:"0" maximum:"720" doc:"For task steps: hours until the task falls due."`
}

// Entry is the rule that enrolls a lead.
type Entry struct {
	Rule    EntryRule `json:"rule" enum:"new_lead,no_contact,viewing_done,lost_reengage"`
	Days    int       `json:"days,omitempty" minimum:"0" maximum:"3650" doc:"no_contact: days without contact; lost_reengage: days after the loss (default 90)."`
	Sources []string  `json:"sources,omitempty" doc:"new_lead: only leads from these sources (empty: all)."`
}

// Sequence is a brokerage's nurture sequence.
type Sequence struct {
	ID          string    `json:"id"`
	BrokerageID string    `json:"brokerage_id"`
	Key         string    `json:"key"`
	Name        string    `json:"name"`
	Entry       Entry     `json:"entry"`
	ExitOn      []string  `json:"exit_on"`
	Steps       []Step    `json:"steps"`
	Active      bool      `json:"active"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// NewSequence is what a client sends to create a sequence.
type NewSequence struct {
	Key    string   `json:"key" minLength:"1" maxLength:"80" pattern:"^[a-z0-9-]+$"`
	Name   string   `json:"name" minLength:"1" maxLength:"200"`
	Entry  Entry    `json:"entry"`
	ExitOn []string `json:"exit_on,omitempty" doc:"replied, stage_changed, opted_out (default all three)."`
	Steps  []Step   `json:"steps" minItems:"1" maxItems:"50"`
	Active *bool    `json:"active,omitempty"`
}

// Validate checks a sequence's steps and rules, naming the first bad field.
func (n *NewSequence) Validate() error {
	if len(n.ExitOn) == 0 {
		n.ExitOn = []string{ExitReplied, ExitStageChanged, ExitOptedOut}
	}
	for _, e := range n.ExitOn {
		if !slices.Contains([]string{ExitReplied, ExitStageChanged, ExitOptedOut}, e) {
			return invalid("exit_on", "unknown exit rule", e)
		}
	}
	for i, s := range n.Steps {
		if err := s.validate(); err != nil {
			return apperr.Validation(apperr.FieldError{Field: fmt.Sprintf("steps[%d]", i), Message: err.Error()})
		}
	}
	if _, _, ok := Next(n.Steps, 0, time.Time{}); !ok {
		return invalid("steps", "a sequence needs at least one step that does something", "")
	}
	return nil
}

func (s Step) validate() error {
	switch s.Kind {
	case StepWait:
		if s.WaitHours <= 0 {
			return fmt.Errorf("a wait needs wait_hours")
		}
	case StepMessage:
		if !slices.Contains([]Channel{WhatsApp, Email, SMS}, s.Channel) || s.Template == nil || s.Template.Body["en"] == "" {
			return fmt.Errorf("a message needs a channel and a template with an English body")
		}
		return s.Template.Check()
	case StepTask:
		if s.TaskTitle == "" {
			return fmt.Errorf("a task needs task_title")
		}
	case StepStage:
		if !slices.Contains([]string{"new", "contacted", "qualified", "viewing", "offer", "won", "lost", "nurture"}, s.Stage) {
			return fmt.Errorf("unknown stage %q", s.Stage)
		}
	default:
		return fmt.Errorf("unknown step kind %q", s.Kind)
	}
	return nil
}

func invalid(field, msg, value string) error {
	return apperr.Validation(apperr.FieldError{Field: field, Message: msg, Value: value})
}

// Next finds the first step at or after from that does something, adding up the waits before
// it to base; ok is false when the sequence has no such step left (it is complete).
func Next(steps []Step, from int, base time.Time) (step int, due time.Time, ok bool) {
	due = base
	for i := from; i < len(steps); i++ {
		if steps[i].Kind == StepWait {
			due = due.Add(time.Duration(steps[i].WaitHours) * time.Hour)
			continue
		}
		return i, due, true
	}
	return len(steps), due, false
}
