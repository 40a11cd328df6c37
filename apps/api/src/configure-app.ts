import { INestApplication } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ProblemDetailsFilter, problemValidationPipe } from '../../../libs/http/src/index.js';

/** One place that makes an app the way production runs it: used by main.ts and by every e2e test. */
export function configureApi(app: INestApplication): INestApplication {
  app.useLogger(app.get(Logger));
  const headers = helmet();
  // Swagger UI needs its own inline script; every other response gets helmet's strict defaults.
  app.use((req: { path: string }, res: unknown, next: () => void) =>
    req.path.startsWith('/api/docs') ? next() : headers(req as never, res as never, next),
  );
  app.use(cookieParser());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(problemValidationPipe());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Partner Returns')
      .setDescription(
        'Monitoring returns for Local Strategic Partnerships: cycles, returns, reviews and reports.',
      )
      .setVersion('0.1')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document);
  return app;
}
