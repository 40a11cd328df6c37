import { Module } from '@nestjs/common';
import { OperatorSignals } from './operator-signals.js';

/** The operators' signals, for the api's /metrics and the worker's listener alike. */
@Module({ providers: [OperatorSignals], exports: [OperatorSignals] })
export class SignalsModule {}
