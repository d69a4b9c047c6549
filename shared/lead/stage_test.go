package lead

import (
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/apperr"
)

func TestStageMachine(t *testing.T) {
	cases := []struct {
		from, to Stage
		ok       bool
	}{
		{StageNew, StageContacted, true},
		{StageContacted, StageQualified, true},
		{StageQualified, StageViewing, true},
		{StageViewing, StageOffer, true},
		{StageOffer, StageWon, true},
		{StageOffer, StageLost, true},
		{StageNew, StageLost, true},
		{StageQualified, StageNurture, true},
		{StageViewing, StageLost, true},
		{StageNurture, StageContacted, true},
		{StageNurture, StageLost, true},
		{StageLost, StageNurture, true},
		{StageNew, StageNew, true},
		{StageWon, StageWon, true},
		{StageNew, StageQualified, false},
		{StageNew, StageWon, false},
		{StageContacted, StageNew, false},
		{StageViewing, StageQualified, false},
		{StageQualified, StageWon, false},
		{StageLost, StageContacted, false},
		{StageLost, StageWon, false},
		{StageNurture, StageOffer, false},
		{StageWon, StageLost, false},
		{StageWon, StageNurture, false},
	}
	for _, c := range cases {
		t.Run(string(c.from)+"→"+string(c.to), func(t *testing.T) {
			err := Move(c.from, c.to)
			if (err == nil) != c.ok {
				t.Fatalf("Move = %v, want ok=%v", err, c.ok)
			}
			if CanMove(c.from, c.to) != c.ok {
				t.Fatalf("CanMove disagrees with Move")
			}
		})
	}
}

func TestInvalidMoveNamesStageAndAllowedStages(t *testing.T) {
	e := apperr.As(Move(StageNew, StageOffer))
	if e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "stage" {
		t.Fatalf("error %+v", e)
	}
	if msg := e.Fields[0].Message; !strings.Contains(msg, "contacted, lost, nurture") {
		t.Fatalf("message does not list the allowed stages: %s", msg)
	}
	if msg := apperr.As(Move(StageWon, StageLost)).Fields[0].Message; !strings.Contains(msg, "final") {
		t.Fatalf("won: %s", msg)
	}
	if e := apperr.As(Move(StageNew, "closed")); e.Code != apperr.Invalid || e.Fields[0].Field != "stage" {
		t.Fatalf("unknown stage: %+v", e)
	}
}
