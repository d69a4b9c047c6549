package ingeststore

import "testing"

func TestParseUUID(t *testing.T) {
	u, ok := parseUUID("0fdbd312-b08d-4822-9037-2B877B028817")
	want := [16]byte{0x0f, 0xdb, 0xd3, 0x12, 0xb0, 0x8d, 0x48, 0x22, 0x90, 0x37, 0x2b, 0x87, 0x7b, 0x02, 0x88, 0x17}
	if !ok || u != want {
		t.Fatalf("parseUUID = %x %v, want %x", u, ok, want)
	}
	for _, bad := range []string{"", "0fdbd312b08d48229037-2b877b028817", "0fdbd312-b08d-4822-9037-2b877b02881g",
		"0fdbd312-b08d-4822-9037-2b877b0288170", "{0fdbd312-b08d-4822-9037-2b877b02881}"} {
		if _, ok := parseUUID(bad); ok {
			t.Errorf("parseUUID(%q) accepted", bad)
		}
	}
}
