// views/index.js: every view of the app, in the navigation's order.
//
// To add a view, write views/<name>.js exporting a default
// { path, title, nav, needs, mount(root, env) } (see router.js and
// views/home.js) and add one line below. Views with a `nav` label are in the
// navigation of those whose `can` lists the operation they need.

import account from './account.js';
import approvals from './approvals.js';
import calendar from './calendar.js';
import corrections from './corrections.js';
import holidays from './holidays.js';
import home from './home.js';
import leaveHistory from './leave-history.js';
import leaveTypes from './leave-types.js';
import ledger from './ledger.js';
import mail from './mail.js';
import people from './people.js';
import peopleImport from './people-import.js';
import person from './person.js';
import roster from './roster.js';
import shifts from './shifts.js';
import settings from './settings.js';

export const views = [
  home,
  people,
  peopleImport, // before person: people/import is not people/:id
  person,
  leaveHistory,
  ledger,
  leaveTypes,
  approvals,
  corrections,
  calendar,
  holidays,
  roster,
  shifts,
  account,
  settings,
  mail,
];
