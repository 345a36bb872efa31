import { ApiProperty, ApiPropertyOptional, ApiSchema, IntersectionType, OmitType, PickType } from '@nestjs/swagger';
import { DcaSettingsDto, GridSettingsDto, TrendSettingsDto } from '../../executors/index.js';
import { ConditionDto } from '../../registry/index.js';
import { CreateBotDto } from './create-bot.dto.js';
import { PreviewBotDto } from './preview-bot.dto.js';

/*
 * Documentation only: the shapes a `POST /bots` body takes by `type`, so that the OpenAPI document can say which
 * settings each type needs (a `oneOf` told apart by `type`). CreateBotDto alone validates requests.
 */

const CONDITIONS = { type: [ConditionDto] as [typeof ConditionDto], minItems: 1, maxItems: 10 };

class CommonBotFields extends OmitType(CreateBotDto, ['type', 'conditions', 'dca', 'trend', 'grid'] as const) {}

@ApiSchema({ name: 'DcaBot', description: 'A DCA bot: a base order when the conditions hold, safety orders on a ladder, take profit and stop loss.' })
export class DcaBotBody extends CommonBotFields {
  @ApiProperty({ enum: ['dca'], example: 'dca' })
  type: 'dca';

  @ApiPropertyOptional({ ...CONDITIONS, description: 'Entry conditions, all of which must hold; may be left out with `dca.startAsap`.' })
  conditions?: ConditionDto[];

  @ApiProperty({ type: DcaSettingsDto })
  dca: DcaSettingsDto;
}

@ApiSchema({ name: 'TrendBot', description: 'A trend bot: the conditions open one position, `trend.exitConditions` close it.' })
export class TrendBotBody extends CommonBotFields {
  @ApiProperty({ enum: ['trend'], example: 'trend' })
  type: 'trend';

  @ApiProperty({ ...CONDITIONS, description: 'Entry conditions, all of which must hold.' })
  conditions: ConditionDto[];

  @ApiProperty({ type: TrendSettingsDto })
  trend: TrendSettingsDto;
}

@ApiSchema({ name: 'GridBot', description: 'A grid bot: buys below the price and sells above it on lines between two prices.' })
export class GridBotBody extends CommonBotFields {
  @ApiProperty({ enum: ['grid'], example: 'grid' })
  type: 'grid';

  @ApiPropertyOptional({ ...CONDITIONS, description: 'The start condition; without one the grid starts at once.' })
  conditions?: ConditionDto[];

  @ApiProperty({ type: GridSettingsDto })
  grid: GridSettingsDto;
}

/** `POST /bots/preview` plans DCA ladders and grids; a trend bot has nothing to preview. */
@ApiSchema({ name: 'DcaBotPreview', description: 'A DCA bot body, plus the base order\'s fill price to plan the ladder from.' })
export class DcaBotPreviewBody extends IntersectionType(DcaBotBody, PickType(PreviewBotDto, ['price'] as const)) {}

@ApiSchema({ name: 'GridBotPreview', description: 'A grid bot body, plus the price to lay the grid out from.' })
export class GridBotPreviewBody extends IntersectionType(GridBotBody, PickType(PreviewBotDto, ['price'] as const)) {}
