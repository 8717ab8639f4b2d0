package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"heydoctor"
	"heydoctor/internal/sqlstore"
	"heydoctor/internal/web"
)

func runStaff(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list") {
		fmt.Fprintln(env.stderr, "Usage: heydoctor staff add --institution ID --login NAME [--role admin|reception]\n       heydoctor staff add --demo\n       heydoctor staff list [--institution ID]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return errHelp
		}
		return usagef("staff needs a subcommand: add or list")
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(env, "staff "+sub, "staff "+sub+" [flags]\n\nadd reads the password from a prompt on a terminal, otherwise from the first line of standard input.")
	cfg, validate := bindStore(fs, env.getenv)
	inst := fs.Int64("institution", 0, "institution id the account belongs to")
	login := fs.String("login", "", "login name (3-64 letters, digits, . _ -)")
	role := fs.String("role", string(heydoctor.RoleReception), "admin or reception")
	demo := fs.Bool("demo", false, "add: an admin account with a generated password for each demo-onboarded hospital (labelled 데모), printed once")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := validate(); err != nil {
		return err
	}
	if *demo && (sub != "add" || *login != "" || *inst != 0) {
		return usagef("--demo: only with add, and without --institution or --login")
	}
	if sub == "add" && !*demo {
		if *inst <= 0 {
			return usagef("--institution: an institution id is required")
		}
		if !validLogin(*login) {
			return usagef("--login: 3-64 characters of letters, digits, '.', '_' or '-'")
		}
		if *role != string(heydoctor.RoleAdmin) && *role != string(heydoctor.RoleReception) {
			return usagef("--role: admin or reception, not %q", *role)
		}
	}
	log := newLogger(cfg, env.stderr)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()

	if sub == "list" {
		list, err := store.ListStaff(ctx, *inst)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tINSTITUTION\tLOGIN\tROLE\tDISABLED")
		for _, st := range list {
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%v\n", st.ID, st.InstitutionID, st.Login, st.Role, st.Disabled)
		}
		return tw.Flush()
	}

	if *demo {
		return addDemoStaff(ctx, env, store)
	}
	in, err := store.FindInstitutionByID(ctx, *inst)
	if err != nil {
		return fmt.Errorf("--institution %d: %w", *inst, err)
	}
	pw, err := readPassword(env)
	if err != nil {
		return err
	}
	hash, err := web.HashPassword(pw, web.PasswordCost)
	if err != nil {
		return usageError{err}
	}
	st := &heydoctor.Staff{InstitutionID: in.ID, Login: *login, PasswordHash: hash, Role: heydoctor.Role(*role)}
	if err := store.CreateStaff(ctx, st); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "staff account %q (%s) created for %s (id %d)\n", st.Login, st.Role, in.Name, in.ID)
	return nil
}

func validLogin(s string) bool {
	if len(s) < 3 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-", c)) {
			return false
		}
	}
	return true
}

// readPassword prompts twice without echo on a terminal, or reads one line from stdin.
func readPassword(env *environment) (string, error) {
	if f, ok := env.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(env.stderr, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(env.stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", usagef("passwords do not match")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(env.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", usagef("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// addDemoStaff gives each demo-onboarded hospital an admin account "demo-ID" with a
// random password, printed once, so that a newcomer can open the console in one command.
// Real hospitals are never given such an account.
func addDemoStaff(ctx context.Context, env *environment, store *sqlstore.Store) error {
	list, err := store.ListInstitutions(ctx, heydoctor.InstitutionFilter{Onboarded: true})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INSTITUTION\tNAME\tLOGIN\tPASSWORD")
	n := 0
	for _, in := range list {
		if !in.Demo {
			continue
		}
		login := fmt.Sprintf("demo-%d", in.ID)
		n++
		if _, err := store.FindStaffByLogin(ctx, login); err == nil {
			fmt.Fprintf(tw, "%d\t%s (데모)\t%s\t(exists; password not shown again)\n", in.ID, in.Name, login)
			continue
		} else if heydoctor.KindOf(err) != heydoctor.NotFound {
			return err
		}
		pw := rand.Text()[:16]
		hash, err := web.HashPassword(pw, web.PasswordCost)
		if err != nil {
			return err
		}
		st := &heydoctor.Staff{InstitutionID: in.ID, Login: login, PasswordHash: hash, Role: heydoctor.RoleAdmin}
		if err := store.CreateStaff(ctx, st); err != nil {
			return fmt.Errorf("demo account for %d: %w", in.ID, err)
		}
		fmt.Fprintf(tw, "%d\t%s (데모)\t%s\t%s\n", in.ID, in.Name, login, pw)
	}
	if n == 0 {
		return errors.New("no demo-onboarded hospital in this database (start once with --seed demo)")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, "Log in at /console/login. These accounts are for the demo hospitals only.")
	return nil
}
