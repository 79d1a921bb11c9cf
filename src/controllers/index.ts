// Every controller the controller manager runs. Add a controller with one line.
import type { Controller } from './context.js';

export const controllers: Controller[] = [];
