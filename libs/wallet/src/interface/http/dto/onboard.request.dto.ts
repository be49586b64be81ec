import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { RegisterRequestDto } from '#monay/identity';

/** Registration plus the KYC level asked for (only 1 is granted without verification). */
export class OnboardRequestDto extends RegisterRequestDto {
  @ApiPropertyOptional({
    description: 'Only 1 is granted at sign-up; higher levels need verification',
    example: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3)
  kycLevel?: number;
}
