export * from './mail-sender.js';
export * from './smtp-catcher.js';
export * from './mail.module.js';
