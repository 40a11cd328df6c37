import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '../../kernel/src/index.js';
import { AppConfig, loadConfig } from './config.js';

export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  /** Pass a config (and a clock) in tests; otherwise the environment is read and validated once. */
  static forRoot(config: AppConfig = loadConfig(), clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
      ],
      exports: [APP_CONFIG, Clock],
    };
  }
}
