import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ProblemDetailsFilter, problemValidationPipe } from '../../../libs/http/src/index.js';

/** One place that makes an app the way production runs it: used by main.ts and by every e2e test. */
export function configureApi(app: INestApplication): INestApplication {
  app.useLogger(app.get(Logger));
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
