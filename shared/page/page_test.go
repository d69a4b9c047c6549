package page

import (
	"strconv"
	"testing"

	"github.com/propertypro/propertypro/shared/apperr"
)

func TestCursorRoundTripAndTrim(t *testing.T) {
	sort, err := ParseSort("-price", []string{"price", "created_at"}, Sort{Field: "created_at", Desc: true})
	if err != nil || !sort.Desc || sort.Field != "price" {
		t.Fatal(sort, err)
	}
	rows := []int{1, 2, 3, 4}
	r := Request{Limit: 3, Sort: sort}
	res := Trim(rows, r, func(i int) (string, string) { return strconv.Itoa(i * 10), strconv.Itoa(i) })
	if len(res.Items) != 3 || res.NextCursor == "" {
		t.Fatalf("%+v", res)
	}
	pos, err := Request{Cursor: res.NextCursor, Sort: sort}.Decode()
	if err != nil || pos.Value != "30" || pos.ID != "3" {
		t.Fatalf("%+v %v", pos, err)
	}
	if _, err := (Request{Cursor: res.NextCursor, Sort: Sort{Field: "created_at"}}).Decode(); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatal("cursor accepted under another sort")
	}
	if _, err := (Request{Cursor: "garbage!!", Sort: sort}).Decode(); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatal("forged cursor accepted")
	}
	last := Trim(rows[:2], r, func(i int) (string, string) { return "", "" })
	if last.NextCursor != "" || len(last.Items) != 2 {
		t.Fatalf("%+v", last)
	}
	if _, err := ParseSort("password", []string{"price"}, Sort{}); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatal("unknown sort field accepted")
	}
	if (Request{Limit: 5000}).Size() != MaxLimit || (Request{}).Size() != DefaultLimit {
		t.Fatal("limits")
	}
}
