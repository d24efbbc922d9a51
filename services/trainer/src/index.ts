export { runTrainer } from './main.ts';
export { loadConfig as loadTrainerConfig } from './config.ts';
