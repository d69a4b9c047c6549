package lead

import (
	"slices"
	"strings"

	"github.com/propertypro/propertypro/shared/apperr"
)

// Stage is where a lead is in the pipeline.
type Stage string

// The stages: new → contacted → qualified → viewing → offer → won | lost, with nurture for
// leads that are not ready yet.
const (
	StageNew       Stage = "new"
	StageContacted Stage = "contacted"
	StageQualified Stage = "qualified"
	StageViewing   Stage = "viewing"
	StageOffer     Stage = "offer"
	StageWon       Stage = "won"
	StageLost      Stage = "lost"
	StageNurture   Stage = "nurture"
)

// Stages lists every stage in pipeline order.
var Stages = []Stage{StageNew, StageContacted, StageQualified, StageViewing, StageOffer, StageWon, StageLost, StageNurture}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { return slices.Contains(Stages, s) }

// next is the stage machine. Every open stage may also fall to lost or go to nurture; a lost
// lead can be re-engaged through nurture; won is final.
var next = map[Stage][]Stage{
	StageNew:       {StageContacted, StageLost, StageNurture},
	StageContacted: {StageQualified, StageLost, StageNurture},
	StageQualified: {StageViewing, StageLost, StageNurture},
	StageViewing:   {StageOffer, StageLost, StageNurture},
	StageOffer:     {StageWon, StageLost, StageNurture},
	StageNurture:   {StageContacted, StageLost},
	StageLost:      {StageNurture},
	StageWon:       {},
}

// Next lists the stages a lead in s may move to.
func (s Stage) Next() []Stage { return slices.Clone(next[s]) }

// CanMove reports whether a lead may move from one stage to another. Staying put is not a
// move and is always allowed.
func CanMove(from, to Stage) bool { return from == to || slices.Contains(next[from], to) }

// Move checks a stage change, answering a field error on stage that lists the allowed next
// stages, so a client can offer them.
func Move(from, to Stage) error {
	if !to.Valid() {
		return apperr.Validation(apperr.FieldError{Field: "stage", Value: to,
			Message: "must be one of " + join(Stages)})
	}
	if CanMove(from, to) {
		return nil
	}
	allowed := "none: " + string(from) + " is final"
	if n := next[from]; len(n) > 0 {
		allowed = join(n)
	}
	return apperr.Validation(apperr.FieldError{Field: "stage", Value: to,
		Message: "cannot move from " + string(from) + " to " + string(to) + "; allowed next stages: " + allowed})
}

func join(ss []Stage) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}
