package main

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/config"
)

type functionsCmd struct{}

func (functionsCmd) Run(*env) error {
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tKIND\tTRIGGER\tTIMEOUT\tMEMORY")
	for _, fn := range functions.Manifest {
		trigger := fn.Route
		switch fn.Kind() {
		case functions.KindTask:
			trigger = "queue " + fn.Queue
			if fn.Source != nil {
				trigger += fmt.Sprintf(" ← s3://%s/%s", fn.Source.Bucket, fn.Source.Prefix)
			}
		case functions.KindSchedule:
			trigger = fn.Schedule
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d MB\n", fn.Name, fn.Kind(), trigger, fn.Timeout, fn.MemoryMB)
	}
	return w.Flush()
}

type configCmd struct {
	Markdown bool `help:"Print the reference as a Markdown table (as in the README)."`
}

func (c configCmd) Run(e *env) error {
	if c.Markdown {
		configMarkdown(os.Stdout)
		return nil
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "VARIABLE\tSET\tDEFAULT\tDESCRIPTION")
	for _, k := range config.Keys() {
		set := "-"
		if v, ok := os.LookupEnv(k.Name); ok && v != "" {
			set = "yes"
			if !k.Secret {
				set = v
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", k.Name, set, k.Default, k.Doc)
	}
	return w.Flush()
}

// configMarkdown writes the configuration reference as the README's Markdown table.
func configMarkdown(w io.Writer) {
	fmt.Fprintln(w, "| Variable | Default | Allowed | Description |")
	fmt.Fprintln(w, "| --- | --- | --- | --- |")
	for _, k := range config.Keys() {
		fmt.Fprintf(w, "| `%s` | %s | %s | %s |\n", k.Name, code(k.Default), k.Range, k.Doc)
	}
}

func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}
