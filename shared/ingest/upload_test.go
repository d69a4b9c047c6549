package ingest

import (
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/apperr"
)

const brokerage = "0b6f1f7e-3c1d-4b7a-9a43-2f0c9d1e5a10"

func TestUploadFilenames(t *testing.T) {
	cases := []struct {
		name string
		want string // "" accepted, else a fragment of the message
	}{
		{"clients.csv", ""},
		{"Clients Export 2025.CSV", ""},
		{"trends.Json", ""},
		{"inventory.xlsx", ""},
		{"عملاء.csv", ""},
		{strings.Repeat("a", 251) + ".csv", ""},
		{"", "required"},
		{strings.Repeat("a", 252) + ".csv", "255 bytes"},
		{strings.Repeat("ع", 126) + ".csv", "255 bytes"}, // 256 bytes in UTF-8
		{"a/clients.csv", "without a folder"},
		{`a\clients.csv`, "without a folder"},
		{"../clients.csv", "without a folder"},
		{"clients..csv", `".."`},
		{"..csv", `".."`},
		{"cli\nents.csv", "control characters"},
		{"cli\x00ents.csv", "control characters"},
		{"cli\u0085ents.csv", "control characters"},
		{".csv", `start with "."`},
		{".hidden.csv", `start with "."`},
		{"clients", ".csv, .json, .xlsx"},
		{"clients.txt", ".csv, .json, .xlsx"},
		{"clients.xlsm", ".csv, .json, .xlsx"},
		{"clients.csv.exe", ".csv, .json, .xlsx"},
	}
	for _, c := range cases {
		_, err := NewUpload(brokerage, c.name, "")
		if c.want == "" {
			if err != nil {
				t.Errorf("%q refused: %v", c.name, err)
			}
			continue
		}
		e := apperr.As(err)
		if e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "filename" || !strings.Contains(e.Fields[0].Message, c.want) {
			t.Errorf("%q: %v %+v, want a filename error saying %q", c.name, err, e.Fields, c.want)
		}
	}
}

func TestUploadDatasets(t *testing.T) {
	up, err := NewUpload(brokerage, "c.csv", "Clients")
	if err != nil || up.Dataset != "clients" {
		t.Fatalf("a dataset is looked up whatever its case: %+v %v", up, err)
	}
	_, err = NewUpload(brokerage, "c/c.csv", "leads")
	e := apperr.As(err)
	if e.Code != apperr.Invalid || len(e.Fields) != 2 || e.Fields[1].Field != "dataset" {
		t.Fatalf("both bad fields are reported: %+v", e.Fields)
	}
	for _, name := range DatasetNames() {
		if !strings.Contains(e.Fields[1].Message, name) {
			t.Errorf("the dataset error does not list %s: %s", name, e.Fields[1].Message)
		}
	}
}

func TestUploadKeys(t *testing.T) {
	plain, _ := NewUpload(brokerage, "Clients 2025.csv", "")
	typed, _ := NewUpload(brokerage, "export.xlsx", "market_data")
	if plain.ID == typed.ID || !isUUID(plain.ID) {
		t.Fatalf("ids %q %q are not fresh uuids", plain.ID, typed.ID)
	}
	if want := brokerage + "/uploads/" + plain.ID + "/Clients 2025.csv"; plain.Key() != want {
		t.Errorf("key %q, want %q", plain.Key(), want)
	}
	if want := brokerage + "/uploads/" + typed.ID + "/market_data/export.xlsx"; typed.Key() != want {
		t.Errorf("key %q, want %q", typed.Key(), want)
	}
	id := plain.ID
	cases := []struct {
		key      string
		dataset  string
		uploaded bool
	}{
		{plain.Key(), "", true},
		{typed.Key(), "market_data", true},
		// Keys dropped any other way are no uploads and keep being detected.
		{brokerage + "/clients.csv", "", false},
		{brokerage + "/exports/clients/clients.csv", "", false},
		{brokerage + "/uploads/clients.csv", "", false},
		{brokerage + "/uploads/not-a-uuid/clients.csv", "", false},
		{brokerage + "/uploads/" + id + "/leads/clients.csv", "", false},
		{brokerage + "/uploads/" + id + "/Clients/clients.csv", "", false},
		{brokerage + "/uploads/" + id + "/clients/more/clients.csv", "", false},
		{brokerage + "/uploads/" + id + "/clients/", "", false},
		{"clients.csv", "", false},
	}
	for _, c := range cases {
		ds, ok := ParseUploadKey(c.key)
		if ds != c.dataset || ok != c.uploaded {
			t.Errorf("ParseUploadKey(%q) = %q, %v; want %q, %v", c.key, ds, ok, c.dataset, c.uploaded)
		}
	}
}
