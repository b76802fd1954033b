// views/home.js: the dashboard at #/: my day, notifications, my leave and
// clock log and, with manager access, today's board, the leave to decide and
// the overview. Its panels (employee.js, notifications.js, board.js,
// pending.js, overview.js) run for the whole session, so that live events
// reach them whichever view is shown; this view only shows them.

import { $ } from '../ui.js';

export default {
  path: '',
  title: 'Home',
  nav: 'Home',
  mount() {
    $('home-view').hidden = false;
    return {
      stop() { $('home-view').hidden = true; },
      focus: () => $('greeting'),
    };
  },
};
