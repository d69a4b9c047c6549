package main

import (
	"github.com/propertypro/propertypro/shared/config"
)

// flagNames lists the boolean configuration keys: the flags an operator may switch.
func flagNames() []string {
	var out []string
	var c config.Config
	for _, k := range config.Keys() {
		if _, err := c.Flag(k.Name); err == nil {
			out = append(out, k.Name)
		}
	}
	return out
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
