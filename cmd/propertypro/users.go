package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/identity"
	"github.com/propertypro/propertypro/shared/platform"
)

type usersCmd struct {
	Create usersCreateCmd `cmd:"" help:"Create a user (and the brokerage when it does not exist): how the first admin is made."`
}

type usersCreateCmd struct {
	Brokerage string `required:"" help:"Brokerage name; created when it does not exist."`
	Email     string `required:"" help:"The user's email (their sign-in name)."`
	Password  string `required:"" help:"At least 10 characters. Use - to read it from stdin."`
	Role      string `default:"admin" enum:"admin,manager,agent,compliance_officer,reviewer" help:"Role (${enum})."`
	Name      string `help:"Full name."`
	BRN       string `name:"brn" help:"RERA broker registration number."`
}

func (c usersCreateCmd) Run(e *env) error {
	pw := c.Password
	if pw == "-" {
		if _, err := fmt.Fscanln(os.Stdin, &pw); err != nil {
			return fmt.Errorf("reading the password from stdin: %w", err)
		}
	}
	db, err := e.database(true)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := api.IdentityService(&platform.Boot{Config: e.cfg, Log: e.log, DB: db.Pool})
	u, err := svc.Bootstrap(e.ctx, c.Brokerage, identity.NewUser{Email: c.Email, Password: pw,
		Role: access.Role(c.Role), FullName: c.Name, BRN: c.BRN})
	if err != nil {
		return err
	}
	progress("created %s %s in brokerage %s", u.Role, u.Email, c.Brokerage)
	return json.NewEncoder(os.Stdout).Encode(u)
}
