import { createRequire } from 'node:module';
import type { Widgets } from 'blessed';

/*
 * The three parts of blessed tmon draws with: a screen, boxes and the tag
 * escape. `import blessed` loads all of its 40 widgets (images, video, forms, a
 * terminal, the PNG decoder) and ~1 MB of RSS with them, which the dashboard's
 * memory target (issue 10) has no room for. These files are blessed's own
 * entry points for the classes; @types/blessed describes them.
 */
const require = createRequire(import.meta.url);
const Screen = require('blessed/lib/widgets/screen') as new (options: Widgets.IScreenOptions) => Widgets.Screen;
const Box = require('blessed/lib/widgets/box') as new (options: Widgets.BoxOptions) => Widgets.BoxElement;
const helpers = require('blessed/lib/helpers') as { escape: (text: string) => string };

export const screen = (options: Widgets.IScreenOptions): Widgets.Screen => new Screen(options);
export const box = (options: Widgets.BoxOptions): Widgets.BoxElement => new Box(options);
/** The text with blessed's `{` and `}` escaped, so that a name cannot be read as a tag. */
export const escape = (text: string): string => helpers.escape(text);
