package http

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

type loginInput struct {
	Body struct {
		Username string `json:"username" doc:"The username (case does not matter)"`
		Password string `json:"password"`
	}
}

type tokensBody struct {
	Token     string               `json:"token" doc:"The access token: send it as Authorization: Bearer <token>"`
	Refresh   string               `json:"refresh" doc:"The refresh token, for POST /api/users/token/refresh/"`
	TokenType string               `json:"token_type" enum:"Bearer"`
	ExpiresIn int                  `json:"expires_in" doc:"Seconds until the access token expires"`
	User      *attendance.Employee `json:"user"`
}

type tokensOutput struct{ Body tokensBody }

func tokensOut(t *attendance.Tokens, e *attendance.Employee) *tokensOutput {
	return &tokensOutput{Body: tokensBody{Token: t.Access, Refresh: t.Refresh, TokenType: t.TokenType, ExpiresIn: t.ExpiresIn, User: e}}
}

type refreshInput struct {
	Body struct {
		Refresh string `json:"refresh"`
	}
}

type passwordInput struct {
	Body struct {
		OldPassword string `json:"old_password"`
		NewPassword string `json:"new_password"`
	}
}

type employeeOutput struct {
	Body *attendance.Employee
}

// meBody is the signed-in employee with what they may do.
type meBody struct {
	attendance.Employee
	Can []string `json:"can" doc:"The operation ids (as in this OpenAPI document) that your role may call; whether an object is in your scope is still decided per request. A client shows only what is listed, instead of copying the role rules."`
}

type meOutput struct {
	Body meBody
}

type meUpdateInput struct {
	Body struct {
		_         struct{} `json:"-" additionalProperties:"true"`
		FirstName *string  `json:"first_name,omitempty"`
		LastName  *string  `json:"last_name,omitempty"`
		Email     *string  `json:"email,omitempty"`
	}
	RawBody []byte
}

func (s *Server) userRoutes() {
	tags := []string{"Authentication"}
	register(s, huma.Operation{
		OperationID: "login", Method: http.MethodPost, Path: "/api/users/login/", Tags: tags,
		Summary:     "Sign in",
		Description: "Returns an access and a refresh token. A wrong password, an unknown and an inactive user all get 401 `invalid_credentials`; the 6th attempt after 5 failures for one username from one address within 15 minutes gets 429 with Retry-After.",
		Errors:      []int{http.StatusUnauthorized, http.StatusTooManyRequests},
	}, func(ctx context.Context, in *loginInput) (*tokensOutput, error) {
		t, e, err := s.Auth.Login(ctx, in.Body.Username, in.Body.Password, s.clientAddr(requestFrom(ctx)))
		if err != nil {
			return nil, err
		}
		return tokensOut(t, e), nil
	})
	register(s, huma.Operation{
		OperationID: "refresh", Method: http.MethodPost, Path: "/api/users/token/refresh/", Tags: tags,
		Summary:     "Exchange a refresh token for new tokens",
		Description: "Rotation: the refresh token used stops working. Presenting it again revokes the whole session.",
		Errors:      []int{http.StatusUnauthorized},
	}, func(ctx context.Context, in *refreshInput) (*tokensOutput, error) {
		t, e, err := s.Auth.Refresh(ctx, in.Body.Refresh)
		if err != nil {
			return nil, err
		}
		return tokensOut(t, e), nil
	})
	register(s, secured(huma.Operation{
		OperationID: "logout", Method: http.MethodPost, Path: "/api/users/logout/", Tags: tags, DefaultStatus: http.StatusNoContent,
		Summary:     "Sign out",
		Description: "Revokes the session at once on every replica: this access token, the refresh tokens issued with it, and the WebSockets opened with it.",
		Errors:      []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		return nil, s.Auth.Logout(ctx, actorFrom(ctx))
	})
	register(s, secured(huma.Operation{
		OperationID: "me", Method: http.MethodGet, Path: "/api/users/me/", Tags: tags,
		Summary: "The signed-in employee", Errors: []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, _ *struct{}) (*meOutput, error) {
		a := actorFrom(ctx)
		e, err := s.Employees.FindEmployee(ctx, a, a.ID)
		if err != nil {
			return nil, err
		}
		return &meOutput{meBody{Employee: *e, Can: s.operationsFor(a)}}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "update-me", Method: http.MethodPatch, Path: "/api/users/me/", Tags: tags,
		Summary:     "Change one's own names and email",
		Description: "Only first_name, last_name and email; any other field is 403.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden},
	}, ""), func(ctx context.Context, in *meUpdateInput) (*employeeOutput, error) {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(in.RawBody, &raw); err != nil {
			return nil, attendance.InvalidField("body", "must be a JSON object")
		}
		for k := range raw {
			if k != "first_name" && k != "last_name" && k != "email" {
				return nil, attendance.ErrForbidden("%s cannot be changed here: only first_name, last_name and email", k)
			}
		}
		e, err := s.Employees.UpdateSelf(ctx, actorFrom(ctx), attendance.EmployeeFields{
			FirstName: in.Body.FirstName, LastName: in.Body.LastName, Email: in.Body.Email})
		return &employeeOutput{e}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "change-password", Method: http.MethodPost, Path: "/api/users/password/", Tags: tags, DefaultStatus: http.StatusNoContent,
		Summary:     "Change one's own password",
		Description: "Every other session of the user is revoked; this one stays signed in. A wrong old_password is 422.",
		Errors:      []int{http.StatusUnauthorized, http.StatusTooManyRequests},
	}, ""), func(ctx context.Context, in *passwordInput) (*struct{}, error) {
		return nil, s.Auth.ChangePassword(ctx, actorFrom(ctx), in.Body.OldPassword, in.Body.NewPassword)
	})
}
