package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/auth"
	"github.com/openattendance/attendance/sqlstore"
)

func runCreateUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("createuser", "Creates a user. The password is read from standard input (--password-stdin) or asked for.", stderr)
	build := bindConfig(fs, getenv, "data-dir", "database-url", "timezone", "log-format", "log-level")
	username := fs.String("username", "", "the username (required)")
	role := fs.String("role", "employee", "admin, manager or employee")
	email := fs.String("email", "", "email address")
	first := fs.String("first-name", "", "first name")
	last := fs.String("last-name", "", "last name")
	department := fs.String("department", "", "department")
	managerID := fs.Int64("manager-id", 0, "id of the user's manager")
	passwordStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	cfg, err := parseCommand(fs, args, build, func() string {
		if *username == "" {
			return "--username is required"
		}
		return ""
	})
	if err != nil {
		return err
	}
	if !*passwordStdin {
		fmt.Fprint(stderr, "Password: ")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return errors.New("no password given on standard input")
	}
	password := strings.TrimRight(line, "\r\n")

	logger := newLogger(cfg, stderr)
	store, err := openStore(ctx, cfg, logger, !cfg.NoMigrate)
	if err != nil {
		return err
	}
	defer store.Close()
	r := attendance.Role(*role)
	f := attendance.EmployeeFields{Username: username, Password: &password, Role: &r, Email: email, FirstName: first,
		LastName: last, Department: department, ManagerIDSet: true}
	if *managerID != 0 {
		f.ManagerID = managerID
	}
	// The command line is the operator: it acts as an admin outside any scope.
	e, err := sqlstore.NewEmployeeService(store.DB, auth.NewHasher(nil, 0)).CreateEmployee(ctx, attendance.Actor{Role: attendance.RoleAdmin}, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s %q with id %d\n", e.Role, e.Username, e.ID)
	return nil
}
