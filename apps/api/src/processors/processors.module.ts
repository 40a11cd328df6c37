import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ParkedEvents } from '../../../../libs/event-store/src/index.js';
import { DeploymentOperator } from '../queue-dashboard/operator-partnership.js';
import { ProcessorsPage } from './processors.page.js';

/** What the event processors hold back, for the operator's page and for readiness. */
@Module({
  controllers: [ProcessorsPage],
  providers: [
    DeploymentOperator,
    { provide: ParkedEvents, inject: [DataSource], useFactory: (ds: DataSource) => new ParkedEvents(ds) },
  ],
  exports: [ParkedEvents],
})
export class ProcessorsModule {}
