package vectormem_test

import (
	"testing"

	"github.com/propertypro/propertypro/shared/vector"
	"github.com/propertypro/propertypro/shared/vector/vectortest"
	"github.com/propertypro/propertypro/shared/vectormem"
)

func TestContract(t *testing.T) {
	vectortest.Run(t, func(t *testing.T) vector.Store {
		s, err := vectormem.New(vectormem.Settings{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
