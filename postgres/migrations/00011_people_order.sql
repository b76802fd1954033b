-- The people list orders by name or hire date (GET /api/employees/?ordering=):
-- with these indexes its first page walks 50 index entries in order instead
-- of sorting every employee in scope (10,000 in a large company).

-- +goose Up
CREATE INDEX employees_name ON employees (lower(first_name || ' ' || last_name), id);
CREATE INDEX employees_hired_on ON employees (hired_on, id);

-- +goose Down
DROP INDEX employees_hired_on;
DROP INDEX employees_name;
