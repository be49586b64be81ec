import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class OnboardRequestDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ minLength: 10 })
  @IsString()
  @MaxLength(256)
  password!: string;

  @ApiPropertyOptional({ example: '+14155550100' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9 ().-]{7,20}$/, { message: 'phone must be a phone number such as +14155550100' })
  phone?: string;

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
